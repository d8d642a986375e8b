"""Reminders (issue 13): thresholds, recipients, contents, idempotence, dry run, bad input and the admin's list."""

import datetime
import io
import smtplib
import socket
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from caisses.models import Membership, RapportAnnuel, Relance
from rapports import relances
from rapports.models import Transition
from tests.factories import UserFactory, user_with_role

Kind = Relance.Kind
Etat = RapportAnnuel.Etat
LIMITE = datetime.date(2026, 4, 30)  # the org fixture's exercice 2025
DAY = datetime.timedelta(days=1)
REGION_ONE = {"t-responsable@test.invalid", "t-agent@test.invalid"}
REGION_TWO = {"t-responsable-autre@test.invalid", "t-agent-autre@test.invalid"}


@pytest.fixture
def org2025(org):
    """The org with only exercice 2025 open (due 30 April 2026), so that each test sees one exercice's reminders."""
    org.previous_exercice.ouvert = False
    org.previous_exercice.save()
    return org


def run(day, *extra):
    out = io.StringIO()
    call_command("relances", "--date", day.isoformat(), *extra, stdout=out)
    return out.getvalue().strip().splitlines()


def sent_to():
    return sorted(address for message in mail.outbox for address in message.to)


def body_for(address):
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


# --- When ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "expected"),
    [
        (-31, None),
        (-30, (Kind.J30, -30)),
        (-8, (Kind.J30, -30)),
        (-7, (Kind.J7, -7)),
        (0, (Kind.J7, -7)),
        (1, (Kind.RETARD, 1)),
        (7, (Kind.RETARD, 1)),
        (8, (Kind.RETARD, 8)),
        (22, (Kind.RETARD, 22)),
    ],
)
def test_the_period_of_each_day(offset, expected):
    found = relances.periode(LIMITE, LIMITE + offset * DAY)
    assert found == (expected and (expected[0], LIMITE + expected[1] * DAY))


@pytest.mark.parametrize(
    ("offset", "kind"),
    [(-31, None), (-30, Kind.J30), (-8, Kind.J30), (-7, Kind.J7), (0, Kind.J7), (3, Kind.RETARD)],
)
def test_each_threshold_sends_its_reminder(org2025, offset, kind):
    lines = run(LIMITE + offset * DAY)
    if kind is None:
        assert lines == ["0 relance(s) envoyée(s)."]
        assert mail.outbox == [] and not Relance.objects.exists()
        return
    assert lines[-1] == "4 relance(s) envoyée(s)."
    assert sent_to() == sorted(REGION_ONE | REGION_TWO)
    assert set(Relance.objects.values_list("kind", flat=True)) == {kind}


def test_a_whole_season_sends_one_email_per_person_per_period(org2025):
    day = LIMITE - 40 * DAY
    while day <= LIMITE + 20 * DAY:
        run(day)
        day += DAY
    per_person = Relance.objects.filter(user=org2025.user("responsable")).order_by("date")
    assert [(r.kind, r.date) for r in per_person] == [
        (Kind.J30, LIMITE - 30 * DAY),
        (Kind.J7, LIMITE - 7 * DAY),
        (Kind.RETARD, LIMITE + DAY),
        (Kind.RETARD, LIMITE + 8 * DAY),
        (Kind.RETARD, LIMITE + 15 * DAY),
    ]
    assert len(mail.outbox) == 4 * 5


def test_a_closed_exercice_gets_none(org2025):
    org2025.exercice.ouvert = False
    org2025.exercice.save()
    assert run(LIMITE) == ["0 relance(s) envoyée(s)."]


# --- Which reports ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("etat", [Etat.TRANSMIS, Etat.VALIDE])
def test_a_transmitted_report_gets_none(org2025, etat):
    RapportAnnuel.objects.create(caisse=org2025.region, exercice=org2025.exercice, etat=etat)
    run(LIMITE - 7 * DAY)
    assert sent_to() == sorted(REGION_TWO)


def test_a_returned_report_is_owed_again(org2025):
    rapport = RapportAnnuel.objects.create(caisse=org2025.region, exercice=org2025.exercice, etat=Etat.RENVOYE)
    Transition.objects.create(
        rapport=rapport,
        action=Transition.Action.RENVOYER,
        etat_avant=Etat.TRANSMIS,
        etat_apres=Etat.RENVOYE,
        auteur=org2025.user("relecteur"),
        motif="Les effectifs de la CPAM Onze manquent.",
    )
    run(LIMITE + 2 * DAY)
    body = body_for("t-responsable@test.invalid").body
    assert "renvoyé pour correction" in body
    assert "Les effectifs de la CPAM Onze manquent." in body
    assert "en retard de 2 jours" in body


# --- Who, and what they read --------------------------------------------------------------------------------------


def test_recipients_are_the_region_s_active_responsables_and_agents(org2025):
    Role = Membership.Role
    user_with_role("t-inactif", Role.RESPONSABLE, org2025.region, is_active=False)
    user_with_role("t-sans-courriel", Role.AGENT, org2025.cpams[1], email="")
    user_with_role("t-agent-site", Role.AGENT, org2025.cpams[0], site=org2025.sites[0])
    UserFactory(username="t-sans-role-2")
    run(LIMITE - 30 * DAY)
    assert sent_to() == sorted(REGION_ONE | REGION_TWO | {"t-agent-site@test.invalid"})
    # Each region's people read their own region's report only.
    for message in mail.outbox:
        region = "CARSAT Test Deux" if message.to[0] in REGION_TWO else "CARSAT Test Un"
        assert region in message.subject and region in message.body
    assert {r.caisse.code for r in Relance.objects.filter(user__username__in=["t-agent", "t-agent-site"])} == {
        "CARSAT-T1"
    }


def test_the_responsable_reads_every_missing_section_and_the_transmission(org2025, settings):
    settings.SITE_URL = "https://rapports.example.fr"
    run(LIMITE - 30 * DAY)
    message = body_for("t-responsable@test.invalid")
    assert message.subject == (
        "Rappel : rapport d'activité 2025 de CARSAT Test Un à transmettre avant le 30 avril 2026"
    )
    body = message.body
    assert "au plus tard le 30 avril 2026 : il reste 30 jours." in body
    for section in ("I.1 Effectifs", "I.4 Réunions de service", "II.1 Activités spécifiques", "III "):
        assert f"- {section}" in body
    assert "La transmission du rapport" in body
    assert "https://rapports.example.fr/rapports/CARSAT-T1/2025/transmission/" in body
    assert "https://rapports.example.fr/rapports/CARSAT-T1/2025/saisie/\n" in body


def test_the_agent_reads_only_what_their_unit_owes(org2025, settings):
    settings.SITE_URL = "https://rapports.example.fr"
    run(LIMITE)
    message = body_for("t-agent@test.invalid")
    assert message.subject.startswith("Dernière semaine : rapport d'activité 2025 de CARSAT Test Un")
    body = message.body
    assert "aujourd'hui, 30 avril 2026" in body
    assert "CPAM Test Onze : " in body and "à remplir en II.1" in body
    assert "https://rapports.example.fr/rapports/CARSAT-T1/2025/saisie/II-1/" in body
    assert "I.1 Effectifs" not in body and "/transmission/" not in body
    assert "car vous êtes agent de saisie (CPAM Test Onze)" in body


def test_a_line_break_in_a_name_does_not_break_the_subject(org2025):
    org2025.region.nom = "CARSAT\nTest Un"
    org2025.region.save()
    assert run(LIMITE)[-1] == "4 relance(s) envoyée(s)."
    assert "de CARSAT Test Un à transmettre" in body_for("t-responsable@test.invalid").subject


def test_an_agent_with_nothing_left_gets_none(org2025, monkeypatch):
    monkeypatch.setattr(relances.a_remplir, "cases_a_remplir", lambda unite, rapport, annee: 0)
    run(LIMITE - 7 * DAY)
    assert sent_to() == sorted(["t-responsable@test.invalid", "t-responsable-autre@test.invalid"])


# --- Once, and only what was sent ---------------------------------------------------------------------------------


def test_a_second_run_the_same_day_sends_nothing(org2025):
    day = LIMITE - 7 * DAY
    assert run(day)[-1] == "4 relance(s) envoyée(s)."
    outbox, recorded = list(mail.outbox), Relance.objects.count()
    assert run(day) == ["0 relance(s) envoyée(s)."]
    assert run(day + DAY) == ["0 relance(s) envoyée(s)."]  # same period
    assert mail.outbox == outbox and Relance.objects.count() == recorded == 4


def test_a_concurrent_run_that_recorded_first_wins(org2025):
    day = LIMITE + DAY
    envois = relances.relances_dues(day)
    assert len(envois) == 4
    run(day)  # the other run, between this one's reading and its sending
    assert [relances.envoyer(envoi) for envoi in envois] == [False] * 4
    assert len(mail.outbox) == 4


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_each_reminder_once():
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("base SQLite en mémoire : pas d'écritures concurrentes")
    from tests.factories import build_org

    org = build_org()
    org.previous_exercice.ouvert = False
    org.previous_exercice.save()
    day = LIMITE - 7 * DAY
    expected = len(relances.relances_dues(day))
    assert expected >= 2  # the responsables at least (the agents' II.1 catalogue may be flushed by then)
    barrier = threading.Barrier(2)
    sent = []

    def run_alone():
        from django.db import connections

        try:
            envois = relances.relances_dues(day)
            barrier.wait(timeout=10)  # both runs read every reminder as due before either records one
            sent.extend(envoi.courriel for envoi in envois if relances.envoyer(envoi))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run_alone) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(sent) == len(set(sent)) == expected
    assert len(mail.outbox) == Relance.objects.count() == expected


def test_the_record_is_unique_per_person_exercice_kind_and_period(org2025):
    fields = {
        "user": org2025.user("responsable"),
        "courriel": "t-responsable@test.invalid",
        "caisse": org2025.region,
        "exercice": org2025.exercice,
        "kind": Kind.J7,
        "date": LIMITE - 7 * DAY,
    }
    Relance.objects.create(**fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Relance.objects.create(**fields)


def test_a_failed_send_records_nothing_and_is_retried(org2025, monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    def refuse(self, messages):
        raise smtplib.SMTPException("relais indisponible")

    with monkeypatch.context() as patch:
        patch.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(CommandError, match="4 relance\\(s\\) non envoyée\\(s\\)"):
            run(LIMITE)
    assert not Relance.objects.exists()
    assert run(LIMITE)[-1] == "4 relance(s) envoyée(s)."


def test_an_unreachable_relay_is_a_clear_error(org2025, settings):
    with socket.socket() as probe:  # a local port nobody listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="4 relance\\(s\\) non envoyée\\(s\\)"):
        call_command("relances", "--date", LIMITE.isoformat(), stdout=out, stderr=err)
    assert out.getvalue().splitlines()[-1] == "0 relance(s) envoyée(s)."
    assert "Serveur de courriel injoignable" in err.getvalue()
    assert not Relance.objects.exists()


def test_the_dry_run_sends_and_records_nothing(org2025):
    lines = run(LIMITE - 30 * DAY, "--dry-run")
    assert lines[-1] == "4 relance(s) à envoyer (simulation, rien n'est envoyé)."
    assert "À envoyer : J-30 · CARSAT-T1 2025 · t-responsable <t-responsable@test.invalid> (responsable régional)" in (
        lines
    )
    assert mail.outbox == [] and not Relance.objects.exists()


@pytest.mark.parametrize("text", ["2026-02-30", "demain", "20260331", "30/04/2026", ""])
def test_a_bad_date_is_refused_in_french(org2025, text):
    with pytest.raises(CommandError, match="Date invalide .* Format attendu : AAAA-MM-JJ"):
        call_command("relances", "--date", text, stdout=io.StringIO())
    assert mail.outbox == []


# --- The administrator's list -------------------------------------------------------------------------------------


def test_the_admin_lists_who_was_reminded_and_cannot_change_it(org2025, client_for):
    run(LIMITE + DAY)
    client = client_for(org2025.user("administrateur"))
    changelist = reverse("admin:caisses_relance_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    html = page.content.decode()
    assert "t-agent-autre@test.invalid" in html and "Retard" in html
    assert reverse("admin:caisses_relance_add") not in html
    filtered = client.get(changelist, {"kind": Kind.RETARD, "caisse__id__exact": org2025.region.pk})
    assert filtered.status_code == 200 and "t-agent-autre@test.invalid" not in filtered.content.decode()
    assert client.get(reverse("admin:caisses_relance_add")).status_code == 403
    relance = Relance.objects.get(user=org2025.user("responsable"))
    change = reverse("admin:caisses_relance_change", args=[relance.pk])
    assert client.post(change, {"kind": Kind.J30, "courriel": "autre@test.invalid"}).status_code == 403
    relance.refresh_from_db()
    assert (relance.kind, relance.courriel) == (Kind.RETARD, "t-responsable@test.invalid")
