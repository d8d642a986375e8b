"""Part I's key figures summed by the database for the national view equal those of the whole Part I."""

from decimal import Decimal as D

import pytest

from caisses.models import RapportAnnuel
from effectifs.models import Absence
from effectifs.queries import partie_1_data, parties_1_resumees
from tests.rapports.national_data import effectifs, formations


@pytest.mark.parametrize("filled", [True, False])
def test_summed_figures_equal_the_whole_part(org, filled):
    rapport = RapportAnnuel.objects.select_related("exercice").get(
        pk=RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice).pk
    )
    if filled:
        effectifs(rapport, {"as_cadres": "1.5", "as": "8.25", "secretariat": "3.75"})
        formations(rapport, ["10.5", 2])
        Absence.objects.create(rapport=rapport, motif="maladie", jours=D("41.5"))
        Absence.objects.create(rapport=rapport, motif="autre", jours=3)
    whole = partie_1_data(rapport)
    resume = parties_1_resumees([rapport])[rapport.pk]
    for name in ("etp_reel", "etp_assistants_sociaux", "jours_formation", "jours_absence"):
        assert getattr(resume, name) == getattr(whole, name), name
    assert resume.taux_formation == whole.taux_formation
    assert resume.taux_absenteisme == whole.taux_absenteisme
    # "Anything saved?", as the national figures ask (the entry page's Part I lists every category, even unsaved).
    for name in ("lignes", "formations", "absences"):
        assert bool(getattr(resume, name)) == filled, name
    if filled:
        assert (resume.etp_reel, resume.etp_assistants_sociaux) == (D("13.5"), D("9.75"))
