"""What a user may see and change. Every view goes through these helpers.

Out of scope → 404 (existence not revealed); in scope but forbidden → 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Caisse, Membership, Site

Role = Membership.Role


def membership_of(user):
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def role_of(user):
    membership = membership_of(user)
    if membership is None:
        return Role.ADMINISTRATEUR if user.is_authenticated and user.is_superuser else None
    return membership.role


def sees_every_region(user):
    return role_of(user) in (Role.ADMINISTRATEUR, Role.RELECTEUR)


def visible_regions(user):
    """Caisses régionales whose reports the user may read."""
    regions = Caisse.objects.regionales()
    if sees_every_region(user):
        return regions
    membership = membership_of(user)
    if membership is None:
        return regions.none()
    region = membership.region
    return regions.filter(pk=region.pk) if region else regions.none()


def get_region(user, code):
    """The caisse régionale `code` if the user may read it, else 404."""
    try:
        return visible_regions(user).get(code=code)
    except Caisse.DoesNotExist:
        raise Http404("Caisse inconnue.") from None


def get_rapport(user, code, annee, *, for_update=False, select_related=()):
    """The report of region `code` for exercice `annee`, created on first access, or 404.

    An existing report costs one query, with its region and exercice; `select_related` adds the report's
    one-to-one rows a page reads (e.g. "partie_trois").
    """
    from .models import Exercice, RapportAnnuel

    rapport = (
        RapportAnnuel.objects.select_related("caisse", "exercice", *select_related)
        .filter(caisse__in=visible_regions(user), caisse__code=code, exercice__annee=annee)
        .first()
    )
    if rapport is None:
        # Unknown, out of scope, or not created yet: the slow path tells which (404) or creates it.
        region = get_region(user, code)
        try:
            exercice = Exercice.objects.get(annee=annee)
        except Exercice.DoesNotExist:
            raise Http404("Exercice inconnu.") from None
        rapport, _ = RapportAnnuel.objects.select_related("caisse", "exercice").get_or_create(
            caisse=region, exercice=exercice
        )
    if for_update:
        require_edit(user, rapport)
    return rapport


def can_edit_region_data(user, region):
    """May enter data of the region as a whole (not only one unit's rows)."""
    role = role_of(user)
    if role == Role.ADMINISTRATEUR:
        return True
    if role == Role.RESPONSABLE:
        return membership_of(user).caisse_id == region.pk
    return False


def editable_units(user, region):
    """The units (caisses primaires and sites) whose rows the user may enter in a report of `region`.

    Returns (caisse primaire ids, site ids). The responsable and the admin edit every unit of the region;
    an agent only its own caisse primaire (and its sites) or its own site.
    """
    if can_edit_region_data(user, region):
        caisse_ids = set(Caisse.objects.primaires().filter(parent=region).values_list("pk", flat=True))
        site_ids = set(Site.objects.filter(caisse__in=[*caisse_ids, region.pk]).values_list("pk", flat=True))
        return caisse_ids, site_ids
    membership = membership_of(user)
    if membership is None or membership.role != Role.AGENT or membership.region != region:
        return set(), set()
    if membership.site_id:
        return set(), {membership.site_id}
    return {membership.caisse_id}, set(membership.caisse.sites.values_list("pk", flat=True))


def can_edit_rapport(user, rapport):
    """May change some of the report's data now (role and lifecycle state)."""
    if not rapport.is_editable:
        return False
    if can_edit_region_data(user, rapport.caisse):
        return True
    caisse_ids, site_ids = editable_units(user, rapport.caisse)
    return bool(caisse_ids or site_ids)


def require_edit(user, rapport):
    if not can_edit_rapport(user, rapport):
        raise PermissionDenied("Vous ne pouvez pas modifier ce rapport.")


def require_region_edit(user, rapport):
    if not (rapport.is_editable and can_edit_region_data(user, rapport.caisse)):
        raise PermissionDenied("Vous ne pouvez pas modifier cette partie du rapport.")


def can_review(user):
    return role_of(user) in (Role.RELECTEUR, Role.ADMINISTRATEUR)


def require_review(user):
    if not can_review(user):
        raise PermissionDenied("Action réservée aux relecteurs nationaux.")


def require_admin(user):
    if role_of(user) != Role.ADMINISTRATEUR:
        raise PermissionDenied("Action réservée aux administrateurs.")
