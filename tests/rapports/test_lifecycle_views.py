"""The report's life through HTTP: every transition × role, the transmission page, archives, comments, history."""

from html import escape

import pytest
from django.core import mail
from django.urls import reverse

from caisses.checks import Constat
from caisses.guard import SANS_VERSION, save_section
from caisses.models import RapportAnnuel
from rapports import lifecycle
from rapports.lifecycle import Action
from rapports.models import ArchivePDF, Commentaire, PartieTrois, Transition
from tests.factories import ROLES

Etat = RapportAnnuel.Etat


@pytest.fixture(autouse=True)
def pdf(monkeypatch):
    monkeypatch.setattr(lifecycle, "_render_pdf", lambda figee: f"%PDF-1.7 {len(figee.corps_html)}".encode())


def url(name, org, **extra):
    return reverse(name, kwargs={"code": org.region.code, "annee": org.exercice.annee, **extra})


def make_rapport(org, etat=Etat.BROUILLON):
    rapport, _ = RapportAnnuel.objects.update_or_create(
        caisse=org.region, exercice=org.exercice, defaults={"etat": etat}
    )
    return rapport


# role → (status, state after) for each action from the state that allows it.
OUTSIDE = {"sans_role": 404, "responsable_autre": 404, "agent_autre": 404, "anonymous": 302}
MATRIX = {
    Action.TRANSMETTRE: (
        Etat.BROUILLON,
        Etat.TRANSMIS,
        {"administrateur": 302, "responsable": 302, "relecteur": 403, "agent": 403, **OUTSIDE},
    ),
    Action.RENVOYER: (
        Etat.TRANSMIS,
        Etat.RENVOYE,
        {"administrateur": 302, "relecteur": 302, "responsable": 403, "agent": 403, **OUTSIDE},
    ),
    Action.VALIDER: (
        Etat.TRANSMIS,
        Etat.VALIDE,
        {"administrateur": 302, "relecteur": 302, "responsable": 403, "agent": 403, **OUTSIDE},
    ),
    Action.ROUVRIR: (
        Etat.VALIDE,
        Etat.BROUILLON,
        {"administrateur": 302, "relecteur": 403, "responsable": 403, "agent": 403, **OUTSIDE},
    ),
}


def test_matrix_covers_every_role():
    for _depuis, _vers, expected in MATRIX.values():
        assert set(expected) == set(ROLES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(MATRIX))
def test_every_transition_for_every_role(org, client_for, checks, action, role):
    depuis, vers, expected = MATRIX[action]
    rapport = make_rapport(org, depuis)
    response = client_for(org.user(role)).post(url(f"rapport_{action}", org), {"motif": "Motif du test"})
    assert response.status_code == expected[role]
    rapport.refresh_from_db()
    if expected[role] == 302 and role != "anonymous":
        assert response["Location"] == url("rapport_transmission", org)
        assert rapport.etat == vers
        assert Transition.objects.get().auteur == org.user(role)
    else:
        assert rapport.etat == depuis
        assert not Transition.objects.exists()


@pytest.mark.parametrize("action", list(MATRIX))
def test_transitions_only_by_post(org, client_for, action):
    make_rapport(org, MATRIX[action][0])
    assert client_for(org.user("administrateur")).get(url(f"rapport_{action}", org)).status_code == 405


def test_transitions_need_the_csrf_token(org, checks):
    from django.test import Client

    make_rapport(org)
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.user("responsable"))
    assert client.post(url("rapport_transmettre", org)).status_code == 403
    assert RapportAnnuel.objects.get().etat == Etat.BROUILLON


def test_wrong_state_answers_409_with_the_reason(org, client_for, checks):
    make_rapport(org, Etat.BROUILLON)
    response = client_for(org.user("relecteur")).post(url("rapport_valider", org))
    assert response.status_code == 409
    assert "Seul un rapport transmis peut être validé." in response.content.decode()


def test_missing_motif_shows_the_error_at_the_field(org, client_for, checks):
    make_rapport(org, Etat.TRANSMIS)
    response = client_for(org.user("relecteur")).post(url("rapport_renvoyer", org), {"motif": "  "})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Indiquez le motif : il sera communiqué à la région." in html
    assert 'aria-invalid="true"' in html
    assert RapportAnnuel.objects.get().etat == Etat.TRANSMIS


def test_errors_block_transmission_with_links_to_each_field(org, client_for, checks):
    make_rapport(org)
    checks.errors = [
        Constat("Assistants sociaux : l'âge moyen doit être compris entre 18 et 70 ans.", "I.1", "id_effectifs-1-age"),
        Constat("La somme des domaines diffère du total.", "II.1", "cellule-CPAM-T11-domaine_acces_soins"),
    ]
    client = client_for(org.user("responsable"))
    page = client.get(url("rapport_transmission", org)).content.decode()
    assert "2 erreurs à corriger avant de transmettre" in page
    response = client.post(url("rapport_transmettre", org))
    assert response.status_code == 422
    html = response.content.decode()
    i1 = reverse("saisie_i1", kwargs={"code": org.region.code, "annee": 2025})
    ii1 = reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": 2025})
    assert f'href="{i1}#id_effectifs-1-age"' in html
    assert f'href="{ii1}#cellule-CPAM-T11-domaine_acces_soins"' in html
    assert RapportAnnuel.objects.get().etat == Etat.BROUILLON
    assert not ArchivePDF.objects.exists()


def test_warnings_are_acknowledged_by_checkbox(org, client_for, checks):
    make_rapport(org)
    warning = Constat("L'organigramme affecte 10,00 ETP, l'effectif réel est de 9,50 ETP.", "I.1", "effectifs")
    checks.warnings = [warning]
    client = client_for(org.user("responsable"))
    page = client.get(url("rapport_transmission", org)).content.decode()
    assert f'name="avertissements" value="{warning.cle}"' in page

    refused = client.post(url("rapport_transmettre", org))
    assert refused.status_code == 422
    assert "Cochez chaque avertissement" in refused.content.decode()

    accepted = client.post(url("rapport_transmettre", org), {"avertissements": [warning.cle]})
    assert accepted.status_code == 302
    transition = Transition.objects.get()
    assert transition.avertissements_acceptes[0]["message"] == warning.message
    history = client.get(url("rapport_transmission", org)).content.decode()
    assert escape(warning.message) in history  # the acknowledged warnings are part of the history


def test_transmission_page_shows_state_history_archives_and_the_user_actions(org, client_for, checks):
    rapport = make_rapport(org)
    lifecycle.perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    lifecycle.perform(org.user("relecteur"), rapport, Action.RENVOYER, motif="Compléter II.3.")

    responsable_page = client_for(org.user("responsable")).get(url("rapport_transmission", org)).content.decode()
    assert "Renvoyé pour correction" in responsable_page
    assert "Compléter II.3." in responsable_page
    assert url("rapport_transmettre", org) in responsable_page
    assert url("rapport_valider", org) not in responsable_page
    assert f"rapport-{org.region.code}-2025-transmission-1.pdf" in responsable_page

    agent_page = client_for(org.user("agent")).get(url("rapport_transmission", org)).content.decode()
    assert url("rapport_transmettre", org) not in agent_page
    assert "Compléter II.3." in agent_page

    rapport.refresh_from_db()
    lifecycle.perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    relecteur_page = client_for(org.user("relecteur")).get(url("rapport_transmission", org)).content.decode()
    assert url("rapport_valider", org) in relecteur_page
    assert url("rapport_renvoyer", org) in relecteur_page
    assert url("rapport_rouvrir", org) not in relecteur_page
    assert url("rapport_commenter", org) in relecteur_page


def test_transmission_page_query_count_does_not_grow_with_history(
    org, client_for, checks, django_assert_max_num_queries
):
    rapport = make_rapport(org)
    client = client_for(org.user("relecteur"))
    lifecycle.perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    Commentaire.objects.create(rapport=rapport, section="I.1", auteur=org.user("relecteur"), texte="Un")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url("rapport_transmission", org)).status_code == 200
    for _ in range(3):
        lifecycle.perform(org.user("relecteur"), rapport, Action.RENVOYER, motif="Encore")
        lifecycle.perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
        Commentaire.objects.create(rapport=rapport, section="II.1", auteur=org.user("relecteur"), texte="Deux")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url("rapport_transmission", org)).status_code == 200


# --- Archives -------------------------------------------------------------------------------------------------


def test_archive_is_downloaded_under_its_name(org, client_for, checks):
    rapport = make_rapport(org)
    lifecycle.perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    stored = ArchivePDF.objects.get().fichier.read()
    for role in ("responsable", "agent", "relecteur", "administrateur"):
        response = client_for(org.user(role)).get(url("rapport_archive", org, numero=1))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        name = f"rapport-{org.region.code}-2025-transmission-1.pdf"
        assert response["Content-Disposition"] == f'attachment; filename="{name}"'
        assert b"".join(response.streaming_content) == stored
    assert client_for(org.user("responsable_autre")).get(url("rapport_archive", org, numero=1)).status_code == 404
    assert client_for(org.user("responsable")).get(url("rapport_archive", org, numero=2)).status_code == 404


# --- Comments -------------------------------------------------------------------------------------------------


def test_reviewer_comments_a_section_and_the_region_sees_it_at_home(org, client_for, checks):
    make_rapport(org, Etat.TRANSMIS)
    response = client_for(org.user("relecteur")).post(
        url("rapport_commenter", org), {"section": "I.3", "texte": "Le nombre de jours de formation paraît faible."}
    )
    assert response.status_code == 302
    comment = Commentaire.objects.get()
    assert (comment.section, comment.auteur) == ("I.3", org.user("relecteur"))
    lifecycle.perform(org.user("relecteur"), RapportAnnuel.objects.get(), Action.RENVOYER, motif="Voir I.3.")
    for role in ("responsable", "agent"):
        home = client_for(org.user(role)).get(reverse("home")).content.decode()
        assert "Le nombre de jours de formation paraît faible." in home
        assert "Voir I.3." in home
    other = client_for(org.user("responsable_autre")).get(reverse("home")).content.decode()
    assert "paraît faible" not in other


def test_invalid_comment_keeps_the_text_and_says_why(org, client_for, checks):
    make_rapport(org, Etat.TRANSMIS)
    response = client_for(org.user("relecteur")).post(
        url("rapport_commenter", org), {"section": "IX", "texte": "Texte gardé"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Section inconnue." in html and "Texte gardé" in html
    assert not Commentaire.objects.exists()


# --- Home page: what the region still owes --------------------------------------------------------------------


def test_home_shows_days_left_and_sections_to_complete(org, client_for, checks):
    import datetime

    from django.utils import timezone

    today = timezone.localdate()
    org.exercice.date_limite = today + datetime.timedelta(days=12)
    org.exercice.save()
    org.previous_exercice.ouvert = False
    org.previous_exercice.save()
    home = client_for(org.user("responsable")).get(reverse("home")).content.decode()
    assert "Rapports à transmettre" in home
    assert "Il reste <strong>12 jours</strong>" in home
    assert "III Observations, commentaires, perspectives d&#x27;avenir" in home
    assert "Rapport 2024" not in home  # a closed exercice is not owed any more


def test_home_shows_a_late_report(org, client_for, checks):
    import datetime

    from django.utils import timezone

    org.exercice.date_limite = timezone.localdate() - datetime.timedelta(days=3)
    org.exercice.save()
    home = client_for(org.user("agent")).get(reverse("home")).content.decode()
    assert "En retard de 3 jours" in home


def test_home_leaves_out_transmitted_reports(org, client_for, checks):
    make_rapport(org, Etat.TRANSMIS)
    org.previous_exercice.ouvert = False
    org.previous_exercice.save()
    home = client_for(org.user("responsable")).get(reverse("home")).content.decode()
    assert "Rapports à transmettre" not in home


# --- E-mails through the views --------------------------------------------------------------------------------


def test_each_transition_view_sends_its_email(org, client_for, checks, django_capture_on_commit_callbacks):
    make_rapport(org)
    with django_capture_on_commit_callbacks(execute=True):
        client_for(org.user("responsable")).post(url("rapport_transmettre", org))
    assert [m.to for m in mail.outbox] == [["t-relecteur@test.invalid"]]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(org.user("relecteur")).post(url("rapport_valider", org))
    assert sorted(m.to[0] for m in mail.outbox) == ["t-agent@test.invalid", "t-responsable@test.invalid"]
    assert all(m.subject == f"Rapport {org.region.code} 2025 validé" for m in mail.outbox)


# --- Per-section history --------------------------------------------------------------------------------------


def test_history_shows_who_changed_what_and_when(org, client_for):
    rapport = make_rapport(org)
    responsable = org.user("responsable")

    def write(text):
        def do(locked):
            partie, _ = PartieTrois.objects.get_or_create(rapport=locked)
            partie.observations = text
            partie._history_user = responsable
            partie.save()

        return do

    save_section(rapport, "III", SANS_VERSION, write("Première version"))
    save_section(rapport, "III", SANS_VERSION, write("Deuxième version"))
    for role in ("responsable", "agent", "relecteur", "administrateur"):
        response = client_for(org.user(role)).get(url("rapport_historique", org, section="III"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "<del>Première version</del> → <ins>Deuxième version</ins>" in html
        assert "t-responsable" in html
    assert (
        client_for(org.user("responsable_autre")).get(url("rapport_historique", org, section="III")).status_code == 404
    )
    assert client_for(org.user("responsable")).get(url("rapport_historique", org, section="IX")).status_code == 404


def test_history_of_part_one_uses_the_registered_models(org, client_for):
    from caisses.plan import SECTION_HISTORY
    from effectifs.models import Categorie, Effectif

    assert Effectif in SECTION_HISTORY["I.1"]
    rapport = make_rapport(org)
    categorie = Categorie.objects.order_by("ordre").first()
    save_section(
        rapport,
        "I.1",
        SANS_VERSION,
        lambda r: Effectif.objects.create(rapport=r, categorie=categorie, reel_effectif=12),
    )
    html = client_for(org.user("relecteur")).get(url("rapport_historique", org, section="I-1")).content.decode()
    assert "Création" in html and categorie.libelle in html and "<ins>12</ins>" in html


def test_rows_rewritten_by_a_save_show_as_one_modification(org, client_for):
    """Entry pages that delete and re-create a section's rows: the history shows the field changes, not two events."""
    from effectifs.models import Categorie, Effectif

    rapport = make_rapport(org)
    categorie = Categorie.objects.order_by("ordre").first()
    responsable = org.user("responsable")

    def rewrite(reel):
        def do(locked):
            for old in Effectif.objects.filter(rapport=locked):
                old._history_user = responsable  # what the request middleware does on the entry pages
                old.delete()
            row = Effectif(rapport=locked, categorie=categorie, reel_effectif=reel, age_moyen=42)
            row._history_user = responsable
            row.save()

        return do

    save_section(rapport, "I.1", SANS_VERSION, rewrite(10))
    save_section(rapport, "I.1", SANS_VERSION, rewrite(12))
    html = client_for(org.user("relecteur")).get(url("rapport_historique", org, section="I-1")).content.decode()
    assert "<del>10</del> → <ins>12</ins>" in html
    assert "Suppression" not in html
    assert "ID :" not in html and "âge moyen : <del>" not in html  # unchanged fields and keys are not listed
