from caisses.demo import build_demo
from caisses.models import RapportAnnuel
from effectifs.models import Affectation, Effectif, Formation
from effectifs.queries import effectifs_history, partie_1_data


def test_demo_fills_part_one_idempotently_with_staff_moving(db):
    regions = build_demo(regions=2, years=5)
    counts = (Effectif.objects.count(), Formation.objects.count(), Affectation.objects.count())
    assert counts[0] == 2 * 5 * 4
    build_demo(regions=2, years=5)
    assert (Effectif.objects.count(), Formation.objects.count(), Affectation.objects.count()) == counts
    rapports = RapportAnnuel.objects.filter(caisse=regions[0]).select_related("exercice", "caisse")
    history = effectifs_history(regions[0], [r.exercice for r in rapports])
    assert len({year["as"].reel_effectif for year in history.values()}) > 1  # staff moves over the years
    for rapport in rapports:
        data = partie_1_data(rapport)
        assert data.taux_formation is not None and data.taux_absenteisme is not None
        assert data.avertissements_i1() == []  # the demo's figures are consistent
