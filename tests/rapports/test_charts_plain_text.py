"""Chart labels are plain text: a "$" in a region, site or series name is drawn as typed, never as mathtext."""

import base64
import re
from html import unescape

import matplotlib
import pytest
from django.urls import reverse

from rapports import charts
from tests.rapports.national_data import build_national

PREFIX = "data:image/svg+xml;base64,"
# Each would be drawn as a formula (x², a subscript…) or raise ValueError when parsed as mathtext.
LABELS = ["Région $x^2$ \\$ 100 $", "a_b$c", "$\\frac{$", "Coût $ et $\\alpha$"]


def svg_of(uri):
    assert uri.startswith(PREFIX)
    return base64.b64decode(uri[len(PREFIX) :]).decode("utf-8")


def svg_texts(svg):
    """The text of every <text> element (svg.fonttype = none keeps text as text), unescaped."""
    return [unescape(re.sub(r"<[^>]+>", "", body)) for body in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)]


def test_mathtext_is_off_once_the_module_is_loaded():
    assert matplotlib.rcParams["text.parse_math"] is False
    assert charts.RC["text.parse_math"] is False


@pytest.mark.parametrize("horizontal", [False, True])
def test_bar_chart_draws_dollar_labels_as_typed(horizontal):
    svg = svg_of(
        charts.bar_chart(
            LABELS,
            [("Série $y_1$", [1, 2, 3, 4]), ("b_$c$", [4, 3, 2, None])],
            ylabel="Montant en $",
            horizontal=horizontal,
        )
    )
    texts = svg_texts(svg)
    for label in [*LABELS, "Série $y_1$", "b_$c$", "Montant en $"]:
        assert label in texts


def test_line_chart_draws_dollar_labels_as_typed():
    svg = svg_of(
        charts.line_chart([2023, 2024, 2025], [(label, [1, None, 3]) for label in LABELS], ylabel="$\\sqrt{ETP}$")
    )
    texts = svg_texts(svg)
    for label in [*LABELS, "$\\sqrt{ETP}$"]:
        assert label in texts


def test_plain_text_even_if_the_global_setting_was_changed(monkeypatch):
    monkeypatch.setitem(matplotlib.rcParams, "text.parse_math", True)
    svg = svg_of(charts.bar_chart(["$\\frac{$"], [("s", [1])], horizontal=True))
    assert "$\\frac{$" in svg_texts(svg)


def test_a_ratio_chart_keeps_region_names_as_text(monkeypatch):
    monkeypatch.setitem(matplotlib.rcParams, "text.parse_math", True)
    svg = svg_of(charts.ratio_chart(["$\\frac{$", "Région $x^2$"], [2, None], "taux $%$", national=1, mediane=1.5))
    texts = svg_texts(svg)
    assert "$\\frac{$" in texts and "Région $x^2$" in texts


def test_national_view_with_a_dollar_in_a_region_name(org, client_for):
    name = "Région $x^2$ $\\frac{$"  # even count of "$": mathtext would raise
    build_national(org, third_region_name=name)
    response = client_for(org.user("relecteur")).get(reverse("national", kwargs={"annee": 2025}))
    assert response.status_code == 200
    html = response.content.decode()
    # The comparisons list every region (the key ratios' charts only those with a value: not this one).
    comparisons = html.split('id="titre-graphiques"')[1]
    uris = re.findall(r'src="(data:image/svg\+xml;base64,[^"]+)"', comparisons)
    assert uris, "no chart on the national page"
    charts_with_name = [uri for uri in uris if name in svg_texts(svg_of(uri))]
    assert len(charts_with_name) == len(uris)
