"""The purge of personal data: login records after 12 months, history after N years (caisses.purge).

The rule under test: a record strictly older than the limit is purged; the limit is midnight (Paris) of the day
12 months (N years) before, so a record exactly 12 months old is kept and one a day older is purged.
"""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import CommandError, call_command
from django.test import override_settings

from caisses.models import RapportAnnuel
from caisses.purge import history_models, limite_connexions, limite_historique, months_before, purger
from rapports.models import PartieTrois

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime.datetime(2026, 12, 2, 10, 0, tzinfo=PARIS)


def at(*args):
    return datetime.datetime(*args, tzinfo=PARIS)


def login_record(model, when):
    extra = {"get_data": "", "post_data": "", "failures_since_start": 1} if model is AccessAttempt else {}
    # axes keeps one attempt per username, address and browser: each record gets its own username.
    row = model.objects.create(username=f"agent-{when:%Y%m%d%H%M}", ip_address="127.0.0.1", user_agent="test", **extra)
    model.objects.filter(pk=row.pk).update(attempt_time=when)
    return row.pk


def history_row(org, when, observations):
    """One history row of Part III dated `when` (a save records one at now; its date is then moved)."""
    rapport, _ = RapportAnnuel.objects.get_or_create(caisse=org.region, exercice=org.exercice)
    partie, _ = PartieTrois.objects.get_or_create(rapport=rapport)
    partie.observations = observations
    partie.save()
    history = PartieTrois.history.model
    row = history.objects.filter(id=partie.pk).latest()
    history.objects.filter(pk=row.pk).update(history_date=when)
    return row.pk


def kept(model, pks):
    return set(model.objects.filter(pk__in=pks).values_list("pk", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("model", [AccessLog, AccessAttempt, AccessFailureLog])
def test_login_records_kept_12_months_to_the_day(model):
    exactly = login_record(model, at(2025, 12, 2, 10, 0))  # 12 months old to the minute
    first_minute = login_record(model, at(2025, 12, 2, 0, 0))  # the limit's day starts: still kept
    day_older = login_record(model, at(2025, 12, 1, 10, 0))
    last_minute = login_record(model, at(2025, 12, 1, 23, 59))
    recent = login_record(model, at(2026, 11, 30, 9, 0))
    purger(NOW)
    assert kept(model, [exactly, first_minute, day_older, last_minute, recent]) == {exactly, first_minute, recent}


@pytest.mark.django_db
def test_the_limit_of_login_records_is_midnight_in_paris():
    assert limite_connexions(NOW) == at(2025, 12, 2, 0, 0)
    # 23:30 UTC on 1 December is already 2 December in Paris: the limit follows the site's day.
    assert limite_connexions(datetime.datetime(2026, 12, 1, 23, 30, tzinfo=datetime.UTC)) == at(2025, 12, 2, 0, 0)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 12, 2), 12, datetime.date(2025, 12, 2)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2027, 2, 28)),
        (datetime.date(2026, 1, 15), 1, datetime.date(2025, 12, 15)),
        (datetime.date(2026, 12, 2), 120, datetime.date(2016, 12, 2)),
    ],
)
def test_months_before(day, months, expected):
    assert months_before(day, months) == expected


@pytest.mark.django_db
@override_settings(HISTORIQUE_CONSERVATION_ANNEES=10)
def test_history_kept_n_years_to_the_day(org):
    exactly = history_row(org, at(2016, 12, 2, 10, 0), "dix ans tout juste")
    day_older = history_row(org, at(2016, 12, 1, 10, 0), "dix ans et un jour")
    recent = history_row(org, at(2026, 1, 5, 9, 0), "cette année")
    # Twelve months is far from ten years: a login of two years ago goes, a change of two years ago stays.
    two_years = history_row(org, at(2024, 12, 2, 9, 0), "il y a deux ans")
    history = PartieTrois.history.model
    purger(NOW)
    assert kept(history, [exactly, day_older, recent, two_years]) == {exactly, recent, two_years}
    # The report's data itself is never touched: only its history.
    assert PartieTrois.objects.get().observations == "il y a deux ans"


@pytest.mark.django_db
def test_the_configured_number_of_years_is_honoured(org):
    row = history_row(org, at(2022, 12, 1, 10, 0), "quatre ans et un jour")
    history = PartieTrois.history.model
    with override_settings(HISTORIQUE_CONSERVATION_ANNEES=5):
        assert limite_historique(NOW) == at(2021, 12, 2, 0, 0)
        purger(NOW)
        assert kept(history, [row]) == {row}
    with override_settings(HISTORIQUE_CONSERVATION_ANNEES=4):
        assert limite_historique(NOW) == at(2022, 12, 2, 0, 0)
        purger(NOW)
        assert kept(history, [row]) == set()


def test_every_history_table_of_the_project_is_purged():
    """A model that gets a HistoricalRecords later is purged too, without a list to update here."""
    labels = {model._meta.label for model, _history in history_models()}
    assert {"rapports.PartieTrois", "rapports.ExplicationVariation", "effectifs.Effectif"} <= labels
    assert all(history._meta.label.split(".")[1].startswith("Historical") for _model, history in history_models())


def run(*args):
    out = io.StringIO()
    call_command("purger_donnees", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.mark.django_db
@override_settings(HISTORIQUE_CONSERVATION_ANNEES=10)
def test_dry_run_counts_and_deletes_nothing(org):
    logins = [login_record(AccessLog, at(2024, 1, 1, 8, 0)), login_record(AccessLog, at(2025, 6, 1, 8, 0))]
    row = history_row(org, at(2015, 6, 1, 8, 0), "ancien")
    lines = run("--date", "2026-12-02", "--dry-run")
    assert lines[0] == "Simulation : rien n'a été supprimé."
    assert "connexions (avant le 02/12/2025) : 2 enregistrement(s) à supprimer" in lines
    assert "historique : parties III (avant le 02/12/2016) : 1 enregistrement(s) à supprimer" in lines
    assert lines[-1] == "Total : 3 enregistrement(s) à supprimer"
    assert kept(AccessLog, logins) == set(logins)
    assert kept(PartieTrois.history.model, [row]) == {row}


@pytest.mark.django_db
@override_settings(HISTORIQUE_CONSERVATION_ANNEES=10)
def test_the_command_says_what_it_deleted_per_kind(org):
    login_record(AccessLog, at(2024, 1, 1, 8, 0))
    login_record(AccessFailureLog, at(2025, 12, 1, 8, 0))
    kept_login = login_record(AccessFailureLog, at(2025, 12, 2, 8, 0))
    history_row(org, at(2015, 6, 1, 8, 0), "ancien")
    lines = run("--date", "2026-12-02")
    assert "connexions (avant le 02/12/2025) : 1 enregistrement(s) supprimé(s)" in lines
    assert "échecs de connexion et verrouillages (avant le 02/12/2025) : 1 enregistrement(s) supprimé(s)" in lines
    assert "tentatives de connexion en cours (avant le 02/12/2025) : 0 enregistrement(s) supprimé(s)" in lines
    assert "historique : parties III (avant le 02/12/2016) : 1 enregistrement(s) supprimé(s)" in lines
    assert lines[-1] == "Total : 3 enregistrement(s) supprimé(s)"
    assert list(AccessFailureLog.objects.values_list("pk", flat=True)) == [kept_login]
    assert not AccessLog.objects.exists()
    # Run again: nothing left to delete.
    assert run("--date", "2026-12-02")[-1] == "Total : 0 enregistrement(s) supprimé(s)"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-02-30", "une date AAAA-MM-JJ est attendue"),
        ("02/12/2026", "une date AAAA-MM-JJ est attendue"),
        ("'; DROP TABLE axes_accesslog; --", "une date AAAA-MM-JJ est attendue"),
        ("2999-01-01", "ne peut pas être postérieure à aujourd'hui"),
    ],
)
def test_a_wrong_date_is_refused_in_french(value, message):
    login = login_record(AccessLog, at(2000, 1, 1, 8, 0))
    with pytest.raises(CommandError, match=message):
        run("--date", value)
    assert kept(AccessLog, [login]) == {login}
