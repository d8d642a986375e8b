import datetime
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from caisses.demo import build_demo, current_year, demo_years, due_date
from caisses.models import Caisse, Exercice, Membership, RapportAnnuel, Site
from rapports import freeze

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def counts():
    return (
        Caisse.objects.count(),
        Site.objects.count(),
        Exercice.objects.count(),
        Membership.objects.count(),
        RapportAnnuel.objects.count(),
    )


def test_demo_builds_three_regions_with_cpams_sites_exercices_and_users():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Caisse.objects.nationales().count() == 1
    regions = Caisse.objects.regionales()
    assert regions.count() == 3
    for region in regions:
        assert 3 <= region.enfants.count() <= 5
        assert Site.objects.filter(caisse__parent=region).exists()
    assert Exercice.objects.ouverts().count() == 5
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles == {
        "admin": "administrateur",
        "relecteur": "relecteur",
        "responsable": "responsable",
        "agent": "agent",
    }
    responsable = Membership.objects.get(user__username="responsable")
    agent = Membership.objects.get(user__username="agent")
    assert responsable.caisse.code == "CARSAT-PL"
    assert agent.caisse.parent == responsable.caisse


def test_demo_is_idempotent():
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    first = counts()
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == first


def test_demo_passwords_work(rf):
    call_command("demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    for name in ["admin", "relecteur", "responsable", "agent"]:
        assert authenticate(rf.post("/accounts/login/"), username=name, password=f"demo-{name}") is not None


def test_large_demo_set_for_benchmarks():
    call_command("demo", "--regions", "6", "--years", "2", "--cpams", "7", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Caisse.objects.regionales().count() == 6
    assert all(region.enfants.count() == 7 for region in Caisse.objects.regionales())
    assert RapportAnnuel.objects.count() == 12


def test_demo_prints_the_logins(capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "demo-responsable" in out and "demo-agent" in out


# --- The newcomer's demo: the current exercice is open and not late; the earlier ones are validated -----------


@pytest.mark.parametrize(
    ("today", "current"),
    [
        (datetime.date(2026, 12, 1), 2026),  # the year in progress: its report is due on 30 April 2027
        (datetime.date(2026, 5, 1), 2026),
        (datetime.date(2026, 4, 30), 2025),  # last year's report is still due today
        (datetime.date(2027, 1, 15), 2026),
    ],
)
def test_the_current_exercice_is_the_earliest_whose_due_date_is_ahead(today, current):
    assert current_year(today) == current
    assert due_date(current) >= today
    assert due_date(current - 1) < today
    assert demo_years(3, today) == [current - 2, current - 1, current]


def test_the_demos_current_exercice_is_open_and_not_late_and_the_earlier_ones_validated(
    monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(freeze, "print_pdf", lambda figee: b"%PDF-1.7 demo")  # the PDF itself is tested elsewhere
    build_demo(regions=1, years=3)
    today = datetime.date.today()
    exercices = list(Exercice.objects.order_by("annee"))
    current = exercices[-1]
    assert current.annee == current_year(today)
    assert current.ouvert and current.date_limite >= today
    rapports = {r.exercice.annee: r.etat for r in RapportAnnuel.objects.select_related("exercice")}
    assert rapports[current.annee] == RapportAnnuel.Etat.BROUILLON
    assert [rapports[e.annee] for e in exercices[:-1]] == [RapportAnnuel.Etat.VALIDE] * 2


def test_the_demo_prints_the_sites_address_and_the_current_exercice(capsys, settings):
    settings.SITE_URL = "http://127.0.0.1:8011"
    call_command("demo", "--regions", "1", "--years", "1")
    out = capsys.readouterr().out
    assert "Application : http://127.0.0.1:8011/" in out
    assert f"Exercice en cours de saisie : {current_year()}" in out


def make_run(*args, env=None):
    """The commands `make run` would run (make -n: printed, not run)."""
    environment = {k: v for k, v in os.environ.items() if k not in {"SITE_URL", "HOST", "ALLOWED_HOSTS"}}
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


@pytest.mark.skipif(shutil.which("make") is None, reason="make absent")
def test_make_run_derives_site_url_from_host_unless_given():
    for line in make_run("HOST=127.0.0.1:8011"):
        assert "SITE_URL=http://127.0.0.1:8011 " in line
    assert make_run("HOST=127.0.0.1:8011")[-1].endswith("runserver 127.0.0.1:8011")
    assert "SITE_URL=http://127.0.0.1:8012 " in make_run("HOST=8012")[-1]  # a port alone
    assert "SITE_URL=http://127.0.0.1:8000 " in make_run()[-1]
    assert "SITE_URL=https://rapports.exemple.fr " in make_run(env={"SITE_URL": "https://rapports.exemple.fr"})[-1]
    assert "ALLOWED_HOSTS=127.0.0.1,localhost,0.0.0.0 " in make_run("HOST=0.0.0.0:8013")[-1]
