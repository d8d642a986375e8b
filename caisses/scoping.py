"""What a user may see and change. Every view goes through these helpers.

Out of scope → 404 (existence not revealed); in scope but forbidden → 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from .models import Caisse, Membership

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
    """The report of region `code` for exercice `annee`, or 404; unsaved while nobody wrote to it.

    Reading never creates a row (caisses.contract.find_rapport); the write guard creates it on first save.
    """
    from .contract import contract_of, find_rapport

    rapport = find_rapport(user, code, annee, select_related)
    if for_update:
        contract_of(user, rapport).require_edit()
    return rapport


def can_review(user):
    return role_of(user) in (Role.RELECTEUR, Role.ADMINISTRATEUR)


def require_review(user):
    if not can_review(user):
        raise PermissionDenied("Action réservée aux relecteurs nationaux.")


def require_admin(user):
    if role_of(user) != Role.ADMINISTRATEUR:
        raise PermissionDenied("Action réservée aux administrateurs.")
