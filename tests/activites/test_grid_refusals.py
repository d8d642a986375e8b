"""The II.1 grid refuses every posted cell it did not offer to this user: nothing of the save is written."""

import pytest
from django.urls import reverse

from activites.models import Valeur
from caisses.guard import section_version


def url(org):
    return reverse("saisie_ii1", args=[org.region.code, org.exercice.annee])


@pytest.mark.parametrize(
    ("cell", "status"),
    [
        ("v-CPAM-T21-domaine_acces_soins", 400),  # a CPAM of another region
        ("v-CPAM-ZZ-domaine_acces_soins", 400),  # no such unit
        ("v-region-domaine_logement", 400),  # no such indicator
        ("v-region-taux_contact", 400),  # a ratio: computed, never entered
        ("v-region-personnes_aidees_total", 400),  # a computed total
        ("v-region-" + "x" * 500, 400),
    ],
)
def test_responsable_cells_not_offered_are_refused(org, client_for, rapport, cell, status):
    assert org.other_cpam.code == "CPAM-T21"
    data = {"version": 0, f"v-{org.cpams[0].code}-publics_precarite": "7", cell: "5"}
    response = client_for(org.user("responsable")).post(url(org), data)
    assert response.status_code == status
    html = response.content.decode()
    assert "que vous ne pouvez pas saisir ici" in html
    assert cell[:80] in html and (len(cell) <= 80 or cell[:81] not in html)  # named, cut short
    assert 'value="7"' in html
    assert not Valeur.objects.exists() and section_version(rapport, "II.1") == 0


def test_site_agent_may_not_enter_its_cpam_row(org, client_for, rapport):
    from caisses.models import Membership
    from tests.factories import user_with_role

    site = org.sites[0]
    agent = user_with_role("t-agent-site", Membership.Role.AGENT, site.caisse, site=site)
    client = client_for(agent)
    assert client.post(url(org), {"version": 0, f"v-{site.code}-publics_precarite": "3"}).status_code == 302
    response = client.post(url(org), {"version": 1, f"v-{site.caisse.code}-publics_precarite": "3"})
    assert response.status_code == 403
    assert list(Valeur.objects.values_list("site__code", flat=True)) == [site.code]


def test_refused_page_still_shows_every_page(org, client_for, rapport):
    client = client_for(org.user("responsable"))
    client.post(url(org), {"version": 0, "v-CPAM-T21-publics_precarite": "5"})
    assert client.get(url(org)).status_code == 200
    assert client.get(reverse("rapport_detail", args=[org.region.code, org.exercice.annee])).status_code == 200
