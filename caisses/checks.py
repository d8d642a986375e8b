"""Every validation rule of a report, gathered for its transmission.

The rules live next to their models (Part I in `effectifs`, Part II in `activites`); each app registers in its
AppConfig.ready() a function `rapport → (errors, warnings)` in CHECKS, each item a `Constat`. Transmission and
the transmission page call only `validate_rapport`.
"""

import hashlib
from dataclasses import dataclass, replace

from django.urls import NoReverseMatch, reverse

from .plan import SECTIONS

# Functions rapport → (errors, warnings), iterables of Constat; apps may append theirs (see the end of this module).
CHECKS = []


@dataclass(frozen=True)
class Constat:
    """One finding of a rule: a French message tied to a field of a section's entry page."""

    message: str
    section: str  # plan code: "I.1", "II.1"
    champ: str = ""  # id of the field (HTML anchor) on the section's entry page
    url: str = ""  # filled by validate_rapport: entry page + "#" + champ

    @property
    def cle(self):
        """Stable while the finding says the same thing: a warning is acknowledged by this key."""
        raw = f"{self.section}|{self.champ}|{self.message}".encode()
        return hashlib.sha256(raw).hexdigest()[:16]

    @property
    def section_titre(self):
        section = SECTIONS.get(self.section)
        return f"{section.code} {section.titre}" if section else self.section


def entry_url(rapport, section_code, champ=""):
    """The entry page of a section (with the field's anchor), or "" while that page does not exist."""
    section = SECTIONS.get(section_code)
    if section is None or not section.saisie_url:
        return ""
    try:
        url = reverse(section.saisie_url, kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})
    except NoReverseMatch:
        return ""
    return f"{url}#{champ}" if champ else url


def _linked(rapport, constats):
    return [replace(c, url=c.url or entry_url(rapport, c.section, c.champ)) for c in constats]


def _plan_order(constat):
    codes = list(SECTIONS)
    return codes.index(constat.section) if constat.section in codes else len(codes)


def validate_rapport(rapport):
    """(errors, warnings) of every rule of the report, in the plan's order, each linked to its field."""
    errors, warnings = [], []
    for check in CHECKS:
        found_errors, found_warnings = check(rapport)
        errors.extend(found_errors)
        warnings.extend(found_warnings)
    return (
        sorted(_linked(rapport, errors), key=_plan_order),
        sorted(_linked(rapport, warnings), key=_plan_order),
    )
