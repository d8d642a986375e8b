"""The report's life without HTTP: rules, transitions, validation at transmission, archive, e-mails, failures."""

import hashlib
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse

from caisses import checks as validation
from caisses.checks import Constat
from caisses.guard import SANS_VERSION, RapportNonModifiable, save_section
from caisses.models import Membership, RapportAnnuel
from rapports import lifecycle
from rapports.lifecycle import Action, EtatIncompatible, TransitionRefusee, perform, role_may, state_allows
from rapports.models import ArchivePDF, PartieTrois, Transition

Etat = RapportAnnuel.Etat
Role = Membership.Role


def fake_pdf(figee):
    """WeasyPrint's stand-in: a file that changes with the frozen body and says whether it was a draft."""
    etat = "brouillon" if "BROUILLON" in figee.corps_html else "transmis"
    digest = hashlib.sha256((figee.corps_html + figee.document).encode()).hexdigest()
    return f"%PDF-1.7 {figee.attachment_name} etat={etat} {digest}".encode()


@pytest.fixture
def pdf(monkeypatch):
    monkeypatch.setattr(lifecycle, "_render_pdf", fake_pdf)


@pytest.fixture
def rapport(org):
    return RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)


def files_under_media():
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*.pdf") if "archives" in p.parts) if root.exists() else []


# --- Rules, no database ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("action", "role", "own_region", "allowed"),
    [
        (Action.TRANSMETTRE, Role.RESPONSABLE, True, True),
        (Action.TRANSMETTRE, Role.RESPONSABLE, False, False),
        (Action.TRANSMETTRE, Role.AGENT, True, False),
        (Action.TRANSMETTRE, Role.RELECTEUR, False, False),
        (Action.TRANSMETTRE, Role.ADMINISTRATEUR, False, True),
        (Action.RENVOYER, Role.RELECTEUR, False, True),
        (Action.RENVOYER, Role.RESPONSABLE, True, False),
        (Action.RENVOYER, Role.ADMINISTRATEUR, False, True),
        (Action.VALIDER, Role.RELECTEUR, False, True),
        (Action.VALIDER, Role.AGENT, True, False),
        (Action.ROUVRIR, Role.ADMINISTRATEUR, False, True),
        (Action.ROUVRIR, Role.RELECTEUR, False, False),
        (Action.ROUVRIR, Role.RESPONSABLE, True, False),
        (Action.VALIDER, None, False, False),
    ],
)
def test_role_rules(action, role, own_region, allowed):
    assert role_may(action, role, own_region) is allowed


@pytest.mark.parametrize(
    ("action", "allowed_from"),
    [
        (Action.TRANSMETTRE, {Etat.BROUILLON, Etat.RENVOYE}),
        (Action.RENVOYER, {Etat.TRANSMIS}),
        (Action.VALIDER, {Etat.TRANSMIS}),
        (Action.ROUVRIR, {Etat.VALIDE}),
    ],
)
def test_state_rules(action, allowed_from):
    assert {etat for etat in Etat if state_allows(action, etat)} == allowed_from


def test_motif_required_only_to_return_and_reopen():
    assert {a for a, r in lifecycle.REGLES.items() if r.motif_requis} == {Action.RENVOYER, Action.ROUVRIR}


# --- Transitions ----------------------------------------------------------------------------------------------


def test_whole_life_is_recorded(org, rapport, pdf, checks):
    responsable, relecteur, admin = org.user("responsable"), org.user("relecteur"), org.user("administrateur")
    perform(responsable, rapport, Action.TRANSMETTRE)
    perform(relecteur, rapport, Action.RENVOYER, motif="  Compléter la partie III.  ")
    perform(responsable, rapport, Action.TRANSMETTRE)
    perform(relecteur, rapport, Action.VALIDER)
    perform(admin, rapport, Action.ROUVRIR, motif="Erreur de saisie signalée par la région.")

    rapport.refresh_from_db()
    assert rapport.etat == Etat.BROUILLON
    steps = list(rapport.transitions.values_list("action", "etat_avant", "etat_apres", "auteur__username", "motif"))
    assert steps == [
        ("transmettre", "brouillon", "transmis", "t-responsable", ""),
        ("renvoyer", "transmis", "renvoye", "t-relecteur", "Compléter la partie III."),
        ("transmettre", "renvoye", "transmis", "t-responsable", ""),
        ("valider", "transmis", "valide", "t-relecteur", ""),
        ("rouvrir", "valide", "brouillon", "t-admin", "Erreur de saisie signalée par la région."),
    ]
    assert list(rapport.archives.values_list("numero", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("etat", "action", "role"),
    [
        (Etat.TRANSMIS, Action.TRANSMETTRE, "responsable"),
        (Etat.VALIDE, Action.TRANSMETTRE, "administrateur"),
        (Etat.BROUILLON, Action.VALIDER, "relecteur"),
        (Etat.RENVOYE, Action.RENVOYER, "relecteur"),
        (Etat.TRANSMIS, Action.ROUVRIR, "administrateur"),
    ],
)
def test_wrong_state_is_refused_and_changes_nothing(org, rapport, pdf, checks, etat, action, role):
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat=etat)
    rapport.refresh_from_db()
    with pytest.raises(EtatIncompatible) as refused:
        perform(org.user(role), rapport, action, motif="motif")
    assert refused.value.status == 409
    rapport.refresh_from_db()
    assert rapport.etat == etat
    assert not Transition.objects.exists()


@pytest.mark.parametrize(
    ("role", "action"),
    [
        ("agent", Action.TRANSMETTRE),
        ("relecteur", Action.TRANSMETTRE),
        ("responsable_autre", Action.TRANSMETTRE),
        ("responsable", Action.VALIDER),
        ("agent", Action.RENVOYER),
        ("relecteur", Action.ROUVRIR),
    ],
)
def test_wrong_role_is_refused(org, rapport, pdf, checks, role, action):
    with pytest.raises(PermissionDenied):
        perform(org.user(role), rapport, action, motif="motif")
    assert not Transition.objects.exists()


@pytest.mark.parametrize("action", [Action.RENVOYER, Action.ROUVRIR])
def test_motif_is_required(org, rapport, pdf, checks, action):
    etat = Etat.TRANSMIS if action == Action.RENVOYER else Etat.VALIDE
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat=etat)
    rapport.refresh_from_db()
    with pytest.raises(TransitionRefusee, match="motif"):
        perform(org.user("administrateur"), rapport, action, motif="   ")
    rapport.refresh_from_db()
    assert rapport.etat == etat
    assert not Transition.objects.exists()


# --- Validation at transmission -------------------------------------------------------------------------------


def test_errors_block_transmission(org, rapport, pdf, checks):
    checks.errors = [Constat("Effectif réel négatif.", "I.1", "id_effectifs-0-reel_effectif")]
    with pytest.raises(TransitionRefusee) as refused:
        perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    assert [e.message for e in refused.value.errors] == ["Effectif réel négatif."]
    rapport.refresh_from_db()
    assert rapport.etat == Etat.BROUILLON
    assert not Transition.objects.exists() and not ArchivePDF.objects.exists()


def test_warnings_must_each_be_acknowledged_and_are_recorded(org, rapport, pdf, checks):
    first = Constat("L'effectif réel diffère du théorique plus les mouvements.", "I.1", "effectifs")
    second = Constat("Aucun indicateur n'est renseigné.", "II.1")
    checks.warnings = [first, second]
    responsable = org.user("responsable")
    with pytest.raises(TransitionRefusee, match="Cochez"):
        perform(responsable, rapport, Action.TRANSMETTRE)
    with pytest.raises(TransitionRefusee):
        perform(responsable, rapport, Action.TRANSMETTRE, avertissements=[first.cle])
    assert not Transition.objects.exists()

    transition = perform(responsable, rapport, Action.TRANSMETTRE, avertissements=[second.cle, first.cle])
    assert transition.avertissements_acceptes == [
        {"cle": first.cle, "section": "I.1", "message": first.message},
        {"cle": second.cle, "section": "II.1", "message": second.message},
    ]


def test_a_changed_warning_needs_a_new_acknowledgement(org, rapport, pdf, checks):
    checks.warnings = [Constat("Réel 10, attendu 9.", "I.1")]
    old_key = checks.warnings[0].cle
    checks.warnings = [Constat("Réel 12, attendu 9.", "I.1")]
    with pytest.raises(TransitionRefusee):
        perform(org.user("responsable"), rapport, Action.TRANSMETTRE, avertissements=[old_key])


def test_validate_rapport_links_each_finding_to_its_entry_page(org, rapport, checks):
    checks.errors = [Constat("Somme fausse.", "II.1", "cellule-CPAM-T11-domaine_acces_soins"), Constat("Âge.", "I.1")]
    errors, warnings = validation.validate_rapport(rapport)
    assert [e.section for e in errors] == ["I.1", "II.1"]  # the plan's order
    entry = reverse("saisie_ii1", kwargs={"code": org.region.code, "annee": 2025})
    assert errors[1].url == f"{entry}#cellule-CPAM-T11-domaine_acces_soins"
    assert errors[0].url == reverse("saisie_i1", kwargs={"code": org.region.code, "annee": 2025})
    assert warnings == []


def test_real_rules_of_parts_one_and_two_are_collected(org, rapport):
    """With the apps' own rules: an empty report has no error, and Part II warns that nothing is entered."""
    errors, warnings = validation.validate_rapport(rapport)
    assert errors == []
    assert any(w.section == "II.1" for w in warnings)


# --- Archive --------------------------------------------------------------------------------------------------


def test_archive_is_stored_with_its_hash_and_name(org, rapport, pdf, checks):
    transition = perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    archive = transition.archive
    content = archive.fichier.read()
    assert content.startswith(b"%PDF") and b"etat=transmis" in content  # rendered once transmitted
    assert archive.sha256 == hashlib.sha256(content).hexdigest()
    assert archive.taille == len(content)
    assert archive.numero == 1
    assert Path(archive.fichier.name).name == f"rapport-{org.region.code}-2025-transmission-1.pdf"


def test_archived_bytes_unchanged_after_later_edits_and_reopen(org, rapport, pdf, checks):
    responsable = org.user("responsable")
    perform(responsable, rapport, Action.TRANSMETTRE)
    first = ArchivePDF.objects.get(rapport=rapport, numero=1)
    original = first.fichier.read()
    perform(org.user("relecteur"), rapport, Action.VALIDER)
    perform(org.user("administrateur"), rapport, Action.ROUVRIR, motif="Correction demandée.")
    save_section(
        rapport, "III", SANS_VERSION, lambda r: PartieTrois.objects.create(rapport=r, observations="Nouveau texte")
    )
    perform(responsable, rapport, Action.TRANSMETTRE)

    first.refresh_from_db()
    with first.fichier.open("rb") as f:
        assert f.read() == original
    assert hashlib.sha256(original).hexdigest() == first.sha256
    second = ArchivePDF.objects.get(rapport=rapport, numero=2)
    assert second.fichier.read() != original  # Part III changed: so did the frozen body


def pdf_text(content):
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_archive_with_the_real_pdf_is_the_transmitted_copy(org, rapport, checks):
    from rapports.pdf import render_pdf

    assert "BROUILLON" in pdf_text(render_pdf(rapport))
    transition = perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    content = transition.archive.fichier.read()
    assert content.startswith(b"%PDF")
    assert transition.archive.sha256 == hashlib.sha256(content).hexdigest()
    text = pdf_text(content)
    assert "BROUILLON" not in text  # rendered once the state is "transmis"
    assert org.region.nom in text


# --- A failure half-way changes nothing -----------------------------------------------------------------------


def broken(*args, **kwargs):
    raise RuntimeError("panne simulée")


@pytest.mark.parametrize(
    "where",
    [
        "pdf",  # WeasyPrint fails: before anything is written
        "archive",  # the database fails once the PDF file is on disk: the file goes too
    ],
)
def test_failure_half_way_leaves_nothing_changed(org, rapport, pdf, checks, monkeypatch, where):
    if where == "pdf":
        monkeypatch.setattr(lifecycle, "_render_pdf", broken)
    else:
        monkeypatch.setattr(ArchivePDF, "save", broken)
    with pytest.raises(RuntimeError, match="panne simulée"):
        perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    rapport.refresh_from_db()
    assert rapport.etat == Etat.BROUILLON
    assert not Transition.objects.exists() and not ArchivePDF.objects.exists()
    assert files_under_media() == []


# --- E-mails --------------------------------------------------------------------------------------------------


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_emails_go_to_the_people_concerned(org, rapport, pdf, checks, django_capture_on_commit_callbacks):
    region_people = ["t-agent@test.invalid", "t-responsable@test.invalid"]
    steps = [
        ("responsable", Action.TRANSMETTRE, ["t-relecteur@test.invalid"]),
        ("relecteur", Action.RENVOYER, region_people),
        ("responsable", Action.TRANSMETTRE, ["t-relecteur@test.invalid"]),
        ("relecteur", Action.VALIDER, region_people),
        ("administrateur", Action.ROUVRIR, ["t-responsable@test.invalid"]),
    ]
    for role, action, expected in steps:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            perform(org.user(role), rapport, action, motif="Tableau II.1 incomplet.")
        assert recipients() == expected, action


def test_return_email_says_why_and_where(org, rapport, pdf, checks, django_capture_on_commit_callbacks):
    RapportAnnuel.objects.filter(pk=rapport.pk).update(etat=Etat.TRANSMIS)
    rapport.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        perform(org.user("relecteur"), rapport, Action.RENVOYER, motif="Les effectifs de I.1 sont incomplets.")
    message = mail.outbox[0]
    assert message.subject == f"Rapport {org.region.code} 2025 renvoyé pour correction"
    assert "Les effectifs de I.1 sont incomplets." in message.body
    assert f"http://127.0.0.1:8000/rapports/{org.region.code}/2025/transmission/" in message.body
    assert len(message.to) == 1  # one message per person: addresses are not shared


def test_no_email_when_the_transition_fails(org, rapport, checks, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(lifecycle, "_render_pdf", lambda r: 1 / 0)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ZeroDivisionError):
        perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    assert mail.outbox == []


# --- Editing after transmission -------------------------------------------------------------------------------


def test_save_section_refused_once_transmitted(org, rapport, pdf, checks):
    perform(org.user("responsable"), rapport, Action.TRANSMETTRE)
    with pytest.raises(RapportNonModifiable):
        save_section(rapport, "III", SANS_VERSION, lambda r: PartieTrois.objects.create(rapport=r, observations="x"))
    assert not PartieTrois.objects.exists()


# --- Concurrency (PostgreSQL row lock; SQLite IMMEDIATE transactions) ---------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_transmissions_give_one_transition(monkeypatch):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("base SQLite en mémoire : pas d'écritures concurrentes")
    from tests.factories import build_org

    org = build_org()
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    monkeypatch.setattr(validation, "CHECKS", [])
    barrier = threading.Barrier(2)

    def slow_pdf(figee):
        return b"%PDF-1.7 concurrent"

    monkeypatch.setattr(lifecycle, "_render_pdf", slow_pdf)
    outcomes = []

    def transmit(user):
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            perform(user, RapportAnnuel.objects.get(pk=rapport.pk), Action.TRANSMETTRE)
            outcomes.append("ok")
        except EtatIncompatible:
            outcomes.append("refusé")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=transmit, args=(org.user("responsable"),)),
        threading.Thread(target=transmit, args=(org.user("administrateur"),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["ok", "refusé"]
    assert Transition.objects.filter(rapport=rapport).count() == 1
    assert ArchivePDF.objects.filter(rapport=rapport).count() == 1
    assert RapportAnnuel.objects.get(pk=rapport.pk).etat == Etat.TRANSMIS


def test_part_one_rules_point_at_their_category_row(org, rapport):
    from effectifs.models import Categorie, Effectif

    categories = list(Categorie.objects.order_by("ordre", "code"))
    second = categories[1]
    Effectif.objects.create(rapport=rapport, categorie=second, theorique_effectif=10, reel_effectif=12, age_moyen=80)
    errors, warnings = validation.validate_rapport(rapport)
    entry = reverse("saisie_i1", kwargs={"code": org.region.code, "annee": 2025})
    assert [(e.section, e.url) for e in errors] == [("I.1", f"{entry}#id_effectifs-1-age_moyen")]
    assert "18 et 70 ans" in errors[0].message and second.libelle in errors[0].message
    part_one = [w for w in warnings if w.section == "I.1"]
    assert [w.url for w in part_one] == [f"{entry}#id_effectifs-1-reel_effectif"]
    assert "(10 + 0 − 0 = 10)" in part_one[0].message
