"""Regions among their peers: median, quartiles (inclusive method), MAD, rank, quarter and the flag of a region
far from the others, against values computed by hand."""

from decimal import Decimal as D

import pytest

from rapports.peers import MIN_REGIONS, position, repartition


def test_spread_of_an_odd_number_of_values():
    rep = repartition([D(40), None, D(10), D(100), D(30), D(20)])
    assert rep.valeurs == (10, 20, 30, 40, 100)  # None left out, sorted
    assert (rep.mediane, rep.q1, rep.q3) == (30, 20, 40)
    # |x − 30| = 20, 10, 0, 10, 70 → sorted 0, 10, 10, 20, 70 → median 10
    assert rep.mad == 10


def test_spread_of_an_even_number_of_values():
    rep = repartition([D(10), D(20), D(30), D(40)])
    # median (20 + 30) / 2; Q1 at position 1 + 3 × 0,25 = 1,75 → 10 + 0,75 × 10; Q3 at 3,25 → 30 + 0,25 × 10
    assert (rep.mediane, rep.q1, rep.q3) == (D(25), D("17.5"), D("32.5"))
    assert rep.mad == 10  # |x − 25| = 15, 5, 5, 15


def test_no_value_no_spread_one_value_is_its_own_quartiles():
    assert repartition([None, None]) is None
    rep = repartition([D("7.5")])
    assert (rep.mediane, rep.q1, rep.q3, rep.mad) == (D("7.5"), D("7.5"), D("7.5"), 0)


def test_rank_quarter_and_the_far_region():
    rep = repartition([D(10), D(20), D(30), D(40), D(100)])
    haut = position(D(100), rep)
    assert (haut.rang, haut.sur, haut.quart) == (1, 5, 1)
    assert haut.score == D("0.6745") * 70 / 10  # 4,7215 > 3,5
    assert haut.atypique
    assert haut.rang_texte == "1re sur 5"
    assert haut.quart_texte == "premier quart des régions"
    bas = position(D(10), rep)
    assert (bas.rang, bas.quart, bas.atypique) == (5, 4, False)  # 0,6745 × 20 / 10 = 1,349
    assert bas.quart_texte == "dernier quart des régions"
    milieu = position(D(30), rep)
    assert (milieu.rang, milieu.quart, milieu.score, milieu.atypique) == (3, 2, 0, False)
    assert milieu.rang_texte == "3e sur 5"


def test_ties_share_the_better_rank():
    rep = repartition([D(5), D(8), D(8), D(2), D(1)])
    assert position(D(8), rep).rang == 1
    assert position(D(5), rep).rang == 3


def test_a_draft_is_placed_among_the_counted_regions_without_moving_them():
    rep = repartition([D(10), D(20), D(30), D(40), D(50)])
    draft = position(D(35), rep, compte_dedans=False)
    assert (draft.rang, draft.sur, draft.quart) == (3, 6, 2)  # 50, 40 above; 4 × 2 // 6 + 1
    assert rep.mediane == 30


def test_too_few_regions_nothing_is_flagged():
    values = [D(1), D(2), D(3), D(1000)][: MIN_REGIONS - 1]
    found = position(D(1000), repartition(values))
    assert found.score is None
    assert not found.atypique


@pytest.mark.parametrize(("value", "atypique"), [(D(7), False), (D("7.1"), True)])
def test_when_most_regions_share_one_value_any_other_is_far(value, atypique):
    rep = repartition([D(7), D(7), D(7), D(7), D(9), value])
    assert rep.mad == 0
    assert position(value, rep).atypique is atypique
