import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from caisses.models import Caisse, Exercice, Membership, RapportAnnuel, Site

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
