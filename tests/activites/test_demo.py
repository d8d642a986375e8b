"""The demo's Parts II/III: every report filled, the rules hold, figures vary, a second run changes nothing."""

import pytest

from activites.aggregation import tableau_region
from activites.models import EnqueteSatisfaction, PartieDeux, Valeur
from activites.rules import check_rapport
from caisses.demo import build_demo
from caisses.models import RapportAnnuel
from rapports.models import PartieTrois

pytestmark = pytest.mark.django_db


def test_demo_fills_every_report_consistently_and_idempotently():
    build_demo(regions=2, years=3)
    rapports = list(RapportAnnuel.objects.select_related("caisse", "exercice"))
    assert len(rapports) == 6
    for rapport in rapports:
        assert Valeur.objects.filter(rapport=rapport, caisse__isnull=False).exists()
        assert [e.message for e in check_rapport(rapport) if e.is_error] == []
        assert PartieDeux.objects.filter(rapport=rapport).exists()
        assert PartieTrois.objects.filter(rapport=rapport).exclude(observations="").exists()
    assert EnqueteSatisfaction.objects.exists()
    # Figures move from one year to the next (the evolution column is not always 0 %).
    latest = max(rapports, key=lambda r: r.exercice.annee)
    lignes = tableau_region(latest).by_code()
    assert lignes["personnes_aidees_total"].n1 is not None
    assert lignes["personnes_aidees_total"].n != lignes["personnes_aidees_total"].n1
    counts = (Valeur.objects.count(), PartieDeux.objects.count(), EnqueteSatisfaction.objects.count())
    build_demo(regions=2, years=3)
    assert (Valeur.objects.count(), PartieDeux.objects.count(), EnqueteSatisfaction.objects.count()) == counts
