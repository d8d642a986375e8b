"""The validation rules of Part II at their edges (pure functions, no database)."""

from decimal import Decimal as D

from activites.rules import (
    AVERTISSEMENT,
    ERREUR,
    INFERIEUR_OU_EGAL,
    POSITIF,
    REGION,
    SOMME_EGALE,
    TOTAL,
    RuleSpec,
    errors_by_cell,
    evaluate,
)

DOMAINES = ("domaine_a", "domaine_b")
RULES = [
    RuleSpec(POSITIF, None),
    RuleSpec(SOMME_EGALE, "individuel", DOMAINES),
    RuleSpec(INFERIEUR_OU_EGAL, "atteints", ("termines",)),
]
DONNEES = ["individuel", "domaine_a", "domaine_b", "atteints", "termines"]
LABELS = {"individuel": "Personnes aidées individuellement", "atteints": "Objectifs atteints", "termines": "Terminés"}


def check(values, **kwargs):
    return evaluate(RULES, values, donnees=DONNEES, labels=LABELS, **kwargs)


def test_consistent_values_give_no_error():
    values = {"CPAM-1": {"individuel": D(10), "domaine_a": D(4), "domaine_b": D(6), "atteints": D(5), "termines": D(5)}}
    assert check(values) == []


def test_zero_is_allowed_and_negative_is_an_error_at_its_cell():
    errors = check({"CPAM-1": {"domaine_a": D(0), "domaine_b": D("-1")}})
    assert [(e.key, e.niveau) for e in errors] == [(("CPAM-1", "domaine_b"), ERREUR)]
    assert "doit être positif ou nul" in errors[0].message


def test_sum_off_by_one_in_a_unit_is_an_error_at_the_unit_and_on_the_total():
    errors = check(
        {
            "CPAM-1": {"individuel": D(11), "domaine_a": D(4), "domaine_b": D(6)},
            "CPAM-2": {"individuel": D(3), "domaine_a": D(3)},
        }
    )
    cells = errors_by_cell(errors)
    assert set(cells) == {("CPAM-1", "individuel"), (TOTAL, "individuel")}
    message = cells[("CPAM-1", "individuel")][0].message
    assert message == (
        "« Personnes aidées individuellement » (11) doit être égal à la somme de : domaine_a, domaine_b (10)."
    )
    assert cells[(TOTAL, "individuel")][0].message.startswith("Total de la région : ")


def test_one_unit_alone_is_not_reported_twice():
    errors = check({REGION: {"individuel": D(11), "domaine_a": D(4), "domaine_b": D(6)}})
    assert [e.key for e in errors] == [(REGION, "individuel")]


def test_sum_split_between_units_and_region_row_is_checked_on_the_totals():
    # The domaines per CPAM and the individual total for the region as a whole, as in the example documents.
    values = {
        "CPAM-1": {"domaine_a": D(3), "domaine_b": D(2)},
        "CPAM-2": {"domaine_a": D(1), "domaine_b": D(4)},
        REGION: {"individuel": D(10)},
    }
    assert check(values) == []
    values[REGION]["individuel"] = D(9)
    errors = check(values)
    assert [e.key for e in errors] == [(TOTAL, "individuel")]
    assert errors[0].is_error
    # During entry the totals are incomplete: a totals-only mismatch is a warning there.
    errors = check(values, totals_niveau=AVERTISSEMENT)
    assert [(e.key, e.niveau) for e in errors] == [((TOTAL, "individuel"), AVERTISSEMENT)]


def test_totals_only_downgrade_does_not_hide_a_unit_error():
    values = {"CPAM-1": {"individuel": D(1), "domaine_a": D(2)}, "CPAM-2": {"domaine_b": D(1)}}
    errors = check(values, totals_niveau=AVERTISSEMENT)
    assert {e.key: e.niveau for e in errors} == {("CPAM-1", "individuel"): ERREUR, (TOTAL, "individuel"): ERREUR}


def test_missing_terms_are_not_checked_yet():
    assert check({"CPAM-1": {"individuel": D(10)}}) == []
    assert check({"CPAM-1": {"domaine_a": D(10)}}) == []


def test_numerator_equal_to_denominator_is_fine_one_more_is_an_error():
    assert check({"CPAM-1": {"atteints": D(7), "termines": D(7)}}) == []
    errors = check({"CPAM-1": {"atteints": D(8), "termines": D(7)}})
    assert errors[0].key == ("CPAM-1", "atteints")
    assert errors[0].message == "« Objectifs atteints » (8) ne peut pas dépasser « Terminés » (7)."


def test_numerator_and_denominator_in_different_units_are_compared_on_totals_only():
    values = {"CPAM-1": {"atteints": D(8)}, REGION: {"termines": D(7)}}
    assert [e.key for e in check(values)] == [(TOTAL, "atteints")]


def test_decimal_values_are_shown_french_style():
    errors = check({"CPAM-1": {"atteints": D("1234.5"), "termines": D(1000)}})
    assert "(1\u00a0234,50)" in errors[0].message


def test_positive_rule_on_one_indicator_only():
    rules = [RuleSpec(POSITIF, "domaine_a", niveau=AVERTISSEMENT)]
    errors = evaluate(rules, {"X": {"domaine_a": D(-1), "domaine_b": D(-1)}})
    assert [(e.key, e.niveau) for e in errors] == [(("X", "domaine_a"), AVERTISSEMENT)]
