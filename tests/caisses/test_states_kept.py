"""Section states kept per report: an unchanged report costs no query, a write or a change of the reference
data the states read gives a fresh answer."""

from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from caisses.models import RapportAnnuel
from caisses.plan import SECTION_STATUS_INPUTS, EtatSection, section_states_kept, section_states_many
from effectifs.models import Categorie, Formation


def states(rapport):
    rapport.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        result = section_states_kept([rapport])[rapport.pk]
    return result, len(queries)


def inputs_queries():
    with CaptureQueriesContext(connection) as queries:
        for read in SECTION_STATUS_INPUTS:
            read()
    return len(queries)


def test_an_unchanged_report_is_answered_from_what_was_kept(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    first, cold = states(rapport)
    again, warm = states(rapport)
    assert again == first == section_states_many([rapport])[rapport.pk]
    assert warm == inputs_queries() < cold


def test_a_write_moves_the_data_version_and_the_state_follows(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    assert states(rapport)[0]["I.3"] == EtatSection.VIDE
    Formation.objects.create(rapport=rapport, nature="formation", jours=2, participants=1, intitule="Accueil")
    assert states(rapport)[0]["I.3"] == EtatSection.VIDE  # same version: a write outside the guard is not seen
    RapportAnnuel.objects.filter(pk=rapport.pk).update(version_donnees=F("version_donnees") + 1)  # what the guard does
    assert states(rapport)[0]["I.3"] == section_states_many([rapport])[rapport.pk]["I.3"] != EtatSection.VIDE


def test_new_reference_data_gives_a_fresh_answer(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    states(rapport)
    Categorie.objects.create(code="psy", libelle="Psychologues", ordre=9)
    _, count = states(rapport)
    assert count > inputs_queries()  # computed again, not read from the cache
