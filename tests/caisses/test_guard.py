"""The one write path (caisses.guard): the page's version is required, a closed exercice refuses, the first
save creates a report that reading never created."""

import pytest

from caisses.guard import (
    SANS_VERSION,
    ConflitDeVersion,
    RapportNonModifiable,
    VersionInvalide,
    parse_version,
    save_section,
    section_version,
)
from caisses.models import RapportAnnuel, SectionVersion
from caisses.scoping import get_rapport


def _never(rapport):
    raise AssertionError("rien ne doit être écrit")


@pytest.mark.parametrize("value", [None, "", " ", "abc", "-1", "1.5", "٣", "9" * 40, True, [], "0x1"])
def test_a_missing_or_unreadable_version_is_refused(value):
    with pytest.raises(VersionInvalide) as refused:
        parse_version(value)
    assert refused.value.status == 400
    assert "rien n'a été enregistré" in refused.value.message


@pytest.mark.parametrize(("value", "expected"), [("0", 0), (" 12 ", 12), (7, 7)])
def test_a_version_is_a_small_whole_number(value, expected):
    assert parse_version(value) == expected


@pytest.mark.parametrize("value", [None, "abc", ""])
def test_save_without_version_writes_nothing_and_says_the_current_version(org, value):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    save_section(rapport, "III", "0", lambda r: None)
    with pytest.raises(VersionInvalide) as refused:
        save_section(rapport, "III", value, _never)
    assert refused.value.current_version == 1
    assert section_version(rapport, "III") == 1


def test_a_stale_version_is_a_conflict(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    assert save_section(rapport, "III", "0", lambda r: None) == 1
    with pytest.raises(ConflitDeVersion) as conflict:
        save_section(rapport, "III", "0", _never)
    assert conflict.value.status == 409 and conflict.value.current_version == 1


def test_the_first_save_creates_the_report_reading_did_not(org):
    rapport = get_rapport(org.user("responsable"), org.region.code, org.exercice.annee)
    assert rapport.pk is None and not RapportAnnuel.objects.exists()
    assert section_version(rapport, "III") == 0
    save_section(rapport, "III", "0", lambda locked: None)
    saved = RapportAnnuel.objects.get(caisse=org.region, exercice=org.exercice)
    assert rapport.pk == saved.pk
    assert SectionVersion.objects.get(rapport=saved, section="III").version == 1


def test_a_closed_exercice_refuses_every_write(org):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice)
    org.exercice.ouvert = False
    org.exercice.save()
    rapport.refresh_from_db()
    for version in ("0", SANS_VERSION):
        with pytest.raises(RapportNonModifiable, match="L'exercice 2025 est clos"):
            save_section(rapport, "III", version, _never)


@pytest.mark.parametrize("etat", [RapportAnnuel.Etat.TRANSMIS, RapportAnnuel.Etat.VALIDE])
def test_a_sent_report_refuses_every_write(org, etat):
    rapport = RapportAnnuel.objects.create(caisse=org.region, exercice=org.exercice, etat=etat)
    with pytest.raises(RapportNonModifiable, match="ses données ne sont plus modifiables"):
        save_section(rapport, "III", SANS_VERSION, _never)
