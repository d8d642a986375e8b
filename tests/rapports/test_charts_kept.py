"""Charts are drawn once per state of what they show: the same figures give the kept image without drawing,
any change of a figure, a label or a year draws a new one."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from rapports import charts


@pytest.fixture
def draws(monkeypatch):
    cache.clear()
    count = {"n": 0}
    real = charts._to_data_uri

    def counting(fig):
        count["n"] += 1
        return real(fig)

    monkeypatch.setattr(charts, "_to_data_uri", counting)
    yield count
    cache.clear()


def test_same_figures_are_drawn_once(draws):
    first = charts.bar_chart(["Région 1", "Région 2"], [("Personnes", [Decimal("12"), Decimal("7")])], ylabel="p")
    again = charts.bar_chart(["Région 1", "Région 2"], [("Personnes", [Decimal("12"), Decimal("7")])], ylabel="p")
    assert first == again
    assert draws["n"] == 1


@pytest.mark.parametrize(
    "changed",
    [
        {"categories": ["Région 1", "Région 3"]},
        {"series": [("Individuel", [Decimal("12"), Decimal("8")]), ("Collectif", [Decimal("3"), Decimal("1")])]},
        {"series": [("Individuel", [Decimal("12"), None]), ("Collectif", [Decimal("3"), Decimal("1")])]},
        {"series": [("Individuellement", [Decimal("12"), Decimal("7")]), ("Collectif", [Decimal("3"), 1])]},
        {"ylabel": "personnes"},
        {"horizontal": True},
    ],
)
def test_any_change_draws_a_new_chart(draws, changed):
    series = [("Individuel", [Decimal("12"), Decimal("7")]), ("Collectif", [Decimal("3"), Decimal("1")])]
    base = {"categories": ["Région 1", "Région 2"], "series": series}
    first = charts.bar_chart(**base, ylabel="p")
    second = charts.bar_chart(**{**base, "ylabel": "p", **changed})
    assert draws["n"] == 2
    assert first != second


def test_a_line_chart_is_kept_per_years_and_values(draws):
    series = [("ETP", [Decimal("4.5"), Decimal("5")])]
    a = charts.line_chart([2024, 2025], series, ylabel="ETP", decimals=1)
    assert charts.line_chart([2024, 2025], series, ylabel="ETP", decimals=1) == a
    assert charts.line_chart([2025, 2026], series, ylabel="ETP", decimals=1) != a
    assert draws["n"] == 2


def test_a_generator_is_read_as_its_values(draws):
    """Its repr would be the same for any content: the key is made from the values it yields."""
    from_list = charts.bar_chart(["A", "B"], [("S", [1, 2])])
    from_generator = charts.bar_chart(["A", "B"], [("S", (v for v in [1, 2]))])
    other = charts.bar_chart(["A", "B"], [("S", (v for v in [1, 3]))])
    assert from_generator == from_list
    assert other != from_list
    assert draws["n"] == 2


def test_an_unexpected_argument_is_refused_rather_than_keyed_by_its_repr():
    with pytest.raises(TypeError):
        charts.bar_chart(["A"], [("S", [object()])])
