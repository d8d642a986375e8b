"""The one place where a report's data is changed: lifecycle check, lost-update guard, data version.

Every write to yearly data (forms, grids, imports) goes through `save_section` (or `write_report`),
so data cannot change outside `brouillon` / `renvoyé`, and two people saving the same section from the
same version cannot both win.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F

from .models import RapportAnnuel, SectionVersion


class RapportNonModifiable(PermissionDenied):
    """The report is not in a state that allows changes."""

    def __init__(self, rapport):
        super().__init__(
            f"Le rapport est « {rapport.get_etat_display().lower()} » : ses données ne peuvent plus être modifiées."
        )


class ConflitDeVersion(Exception):
    """Someone else saved this section since the form was opened."""

    message = (
        "Cette section a été modifiée par quelqu'un d'autre depuis que vous l'avez ouverte. "
        "Vos saisies sont conservées ci-dessous : comparez-les avec la version enregistrée, puis enregistrez à nouveau."
    )

    def __init__(self, current_version):
        super().__init__(self.message)
        self.current_version = current_version


def section_version(rapport, section):
    versions = SectionVersion.objects.filter(rapport=rapport, section=section).values_list("version", flat=True)
    return versions.first() or 0


def _lock(rapport):
    """Re-read the report under a row lock (PostgreSQL) inside the current transaction."""
    locked = RapportAnnuel.objects.select_for_update().get(pk=rapport.pk)
    if not locked.is_editable:
        raise RapportNonModifiable(locked)
    return locked


def _bump(rapport):
    RapportAnnuel.objects.filter(pk=rapport.pk).update(version_donnees=F("version_donnees") + 1)


@transaction.atomic
def save_section(rapport, section, expected_version, write):
    """Run `write(locked_rapport)` if the section is still at `expected_version`; return the new version.

    Raises RapportNonModifiable (403) or ConflitDeVersion; in both cases nothing is written.
    """
    locked = _lock(rapport)
    row, _ = SectionVersion.objects.select_for_update().get_or_create(rapport=locked, section=section)
    if expected_version is not None and row.version != int(expected_version):
        raise ConflitDeVersion(row.version)
    write(locked)
    # A conditional UPDATE also guards SQLite, where select_for_update is a no-op.
    updated = SectionVersion.objects.filter(pk=row.pk, version=row.version).update(version=F("version") + 1)
    if updated != 1:
        raise ConflitDeVersion(section_version(locked, section))
    _bump(locked)
    return row.version + 1


@transaction.atomic
def write_report(rapport, sections, write):
    """Whole-report writes (import): lifecycle check, then every given section's version moves on."""
    locked = _lock(rapport)
    write(locked)
    for section in sections:
        row, _ = SectionVersion.objects.get_or_create(rapport=locked, section=section)
        SectionVersion.objects.filter(pk=row.pk).update(version=F("version") + 1)
    _bump(locked)
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
        save_section(obj.rapport, self.section, None, lambda locked: parent.save_model(request, obj, form, change))

    def delete_model(self, request, obj):
        parent = super()
        save_section(obj.rapport, self.section, None, lambda locked: parent.delete_model(request, obj))

    def delete_queryset(self, request, queryset):
        for obj in queryset.select_related("rapport"):
            self.delete_model(request, obj)
