"""The one place where a report's data is changed: lifecycle check, lost-update guard, data version.

Every write to yearly data (forms, grids, imports, admin) goes through `save_section` (or `write_report`),
so data cannot change outside `brouillon` / `renvoyé` of an open exercice, and two people saving the same
section from the same version cannot both win. A page's save must send the version it was built from:
missing or unreadable, the save is refused (`VersionInvalide`), never applied blindly. Only the
administrator's tools (admin, import) write without a page version, by passing `SANS_VERSION`.
A report nobody wrote to yet exists only in memory (reading never creates rows): its first save creates it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from .models import RapportAnnuel, SectionVersion

# Passed as `expected_version` by the administrator's tools, which write without a page behind them.
SANS_VERSION = object()


class RapportNonModifiable(PermissionDenied):
    """The report is not in a state (or its exercice not open) that allows changes."""

    def __init__(self, rapport):
        from .contract import state_reason

        super().__init__(state_reason(rapport) or "Ce rapport n'est pas modifiable.")


class ConflitDeVersion(Exception):
    """Someone else saved this section since the form was opened."""

    message = (
        "Cette section a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte. "
        "Vos saisies sont conservées ci-dessous : comparez-les avec la version enregistrée, puis enregistrez à nouveau."
    )

    status = 409

    def __init__(self, current_version):
        super().__init__(self.message)
        self.current_version = current_version


class VersionInvalide(ConflitDeVersion):
    """The page sent no version, or one that is not a number: saving it could overwrite a newer save."""

    status = 400
    message = (
        "La page envoyée ne dit pas de quelle version de la section elle part : rien n'a été enregistré. "
        "Vos saisies sont conservées ci-dessous ; enregistrez à nouveau."
    )


def parse_version(value):
    """The page's version as an int, or raise VersionInvalide (the current version is filled in later)."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit() and len(value.strip()) < 10:
        number = int(value.strip())
    else:
        raise VersionInvalide(None)
    if number < 0:
        raise VersionInvalide(None)
    return number


def section_version(rapport, section):
    if rapport.pk is None:
        return 0
    versions = SectionVersion.objects.filter(rapport=rapport, section=section).values_list("version", flat=True)
    return versions.first() or 0


def _lock(rapport):
    """Re-read the report under a row lock (PostgreSQL) inside the current transaction; create it on first write."""
    if rapport.pk is None:
        created, _ = RapportAnnuel.objects.get_or_create(caisse=rapport.caisse, exercice=rapport.exercice)
        rapport.pk = created.pk
        rapport.etat, rapport.version_donnees = created.etat, created.version_donnees
        rapport._state.adding, rapport._state.db = False, created._state.db
    locked = RapportAnnuel.objects.select_for_update().select_related("caisse", "exercice").get(pk=rapport.pk)
    if not locked.is_editable:
        raise RapportNonModifiable(locked)
    return locked


def _bump(locked, rapport):
    RapportAnnuel.objects.filter(pk=locked.pk).update(version_donnees=F("version_donnees") + 1)
    # The caller's instance names the report's data version in cache keys (plan.section_states_kept): keep it true.
    rapport.version_donnees, rapport.etat = locked.version_donnees + 1, locked.etat


@transaction.atomic
def save_section(rapport, section, expected_version, write):
    """Run `write(locked_rapport)` if the section is still at `expected_version`; return the new version.

    Raises RapportNonModifiable (403), VersionInvalide (400) or ConflitDeVersion (409); nothing is written.
    """
    expected = None if expected_version is SANS_VERSION else _page_version(rapport, section, expected_version)
    locked = _lock(rapport)
    row, _ = SectionVersion.objects.select_for_update().get_or_create(rapport=locked, section=section)
    if expected is not None and row.version != expected:
        raise ConflitDeVersion(row.version)
    write(locked)
    # A conditional UPDATE also guards SQLite, where select_for_update is a no-op.
    updated = SectionVersion.objects.filter(pk=row.pk, version=row.version).update(version=F("version") + 1)
    if updated != 1:
        raise ConflitDeVersion(section_version(locked, section))
    _bump(locked, rapport)
    return row.version + 1


def _page_version(rapport, section, value):
    try:
        return parse_version(value)
    except VersionInvalide as refused:
        refused.current_version = section_version(rapport, section)
        raise


@transaction.atomic
def write_report(rapport, sections, write):
    """Whole-report writes (import): lifecycle check, then every given section's version moves on."""
    locked = _lock(rapport)
    write(locked)
    for section in sections:
        row, _ = SectionVersion.objects.get_or_create(rapport=locked, section=section)
        SectionVersion.objects.filter(pk=row.pk).update(version=F("version") + 1)
    _bump(locked, rapport)
    return locked


class RapportVerrouilleAdminMixin:
    """Django admin of a yearly data model: writes go through `save_section`, and stop once the report is sent.

    Set `section` to the plan code of the model's section (e.g. "II.1"); the model has a `rapport` foreign key.
    """

    section = None

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.rapport.is_editable:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and not obj.rapport.is_editable:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        parent = super()
        save_section(
            obj.rapport, self.section, SANS_VERSION, lambda locked: parent.save_model(request, obj, form, change)
        )

    def delete_model(self, request, obj):
        parent = super()
        save_section(obj.rapport, self.section, SANS_VERSION, lambda locked: parent.delete_model(request, obj))

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("rapport"):
            self.delete_model(request, obj)
