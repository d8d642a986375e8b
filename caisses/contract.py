"""The entry contract: what one user may read and change in one report, computed once per request.

Every entry page, the II.1 grid, the template tags, the transitions and the write guard ask this object and
nothing else. `contract_for(request, code, annee)` answers 404 when the report is out of the user's scope
(existence not revealed); the methods `require_*` answer 403 for what is in scope but not allowed.

Reading never creates a row: a report nobody has written to yet is an unsaved `RapportAnnuel` (pk None);
the write guard creates it on the first save.
"""

from functools import cached_property

from django.core.exceptions import PermissionDenied

from .models import Caisse, Membership, RapportAnnuel, Site
from .scoping import membership_of, role_of, visible_regions

Role = Membership.Role

LECTURE_SEULE = "Vous consultez ce rapport en lecture seule."
REGION_SEULEMENT = "Cette section est saisie par le responsable régional : vous la consultez."
PAS_LE_DROIT = "Vous ne pouvez pas modifier ce rapport."
PAS_CETTE_PARTIE = "Vous ne pouvez pas modifier cette partie du rapport."


def state_reason(rapport):
    """Why nobody may change the report's data now (state, closed exercice), or ""."""
    if not rapport.exercice.ouvert:
        return f"L'exercice {rapport.exercice.annee} est clos : ses rapports ne sont plus modifiables."
    if rapport.etat not in RapportAnnuel.ETATS_EDITABLES:
        return f"Le rapport est « {rapport.get_etat_display().lower()} » : ses données ne sont plus modifiables."
    return ""


def _units_of_region(region):
    caisse_ids = frozenset(Caisse.objects.primaires().of_region(region).values_list("pk", flat=True))
    site_ids = frozenset(Site.objects.of_region(region).values_list("pk", flat=True))
    return caisse_ids, site_ids


class Contract:
    """The rights of one user on one report now. Built by `contract_of`; read-only afterwards.

    The units a responsable may enter are read only when a page asks for them (a query), so that a link or a
    read-only page costs nothing more.
    """

    def __init__(self, rapport, role, region_rights, agent_units=None, reason=""):
        self.rapport = rapport
        self.role = role
        self.region_rights = region_rights  # by role: the responsable of this region, or an admin
        self._agent_units = agent_units  # (caisse ids, site ids) of an agent of this region, else None
        self.reason = reason  # why the report is read-only for everyone now ("" when open)

    @cached_property
    def _units(self):
        if self.region_rights:
            return _units_of_region(self.rapport.caisse)
        return self._agent_units or (frozenset(), frozenset())

    @property
    def unit_caisse_ids(self):
        return self._units[0]

    @property
    def unit_site_ids(self):
        return self._units[1]

    # --- What may be changed now ----------------------------------------------------------------------------

    @property
    def open(self):
        """The report's state and exercice allow changes (whoever the user is)."""
        return not self.reason

    @property
    def region_editable(self):
        """May change the region-wide data now."""
        return self.open and self.region_rights

    @property
    def editable_caisse_ids(self):
        return self.unit_caisse_ids if self.open else frozenset()

    @property
    def editable_site_ids(self):
        return self.unit_site_ids if self.open else frozenset()

    @property
    def editable(self):
        """May change some of the report's data now."""
        if not self.open:
            return False
        return self.region_rights or bool(self._agent_units and any(self._agent_units))

    def may_edit_unit(self, caisse_id=None, site_id=None):
        """May change the rows of this unit (a caisse primaire or a site), or of the region when both are None."""
        if caisse_id is None and site_id is None:
            return self.region_editable
        if self.region_editable:
            return True
        return (caisse_id is not None and caisse_id in self.editable_caisse_ids) or (
            site_id is not None and site_id in self.editable_site_ids
        )

    @property
    def read_only_reason(self):
        """Why the user may change nothing now, or ""."""
        if self.reason:
            return self.reason
        return "" if self.editable else LECTURE_SEULE

    def section_read_only_reason(self, region_only):
        """The reason shown on a section's page; `region_only`: the section holds no unit rows."""
        if self.read_only_reason:
            return self.read_only_reason
        if region_only and not self.region_editable:
            return REGION_SEULEMENT
        return ""

    # --- Refusals (403), with the reason ----------------------------------------------------------------------

    def require_edit(self):
        if not self.editable:
            raise PermissionDenied(self.reason or PAS_LE_DROIT)

    def require_region_edit(self):
        if not self.region_editable:
            raise PermissionDenied(self.reason or PAS_CETTE_PARTIE)


def contract_of(user, rapport):
    """The Contract of `user` on a report already known to be in the user's scope."""
    role = role_of(user)
    region = rapport.caisse
    region_rights = role == Role.ADMINISTRATEUR or (
        role == Role.RESPONSABLE and membership_of(user).caisse_id == region.pk
    )
    agent_units = None
    if role == Role.AGENT:
        membership = membership_of(user)
        if membership.region == region:
            if membership.site_id:
                agent_units = (frozenset(), frozenset({membership.site_id}))
            else:
                sites = frozenset(Site.objects.filter(caisse_id=membership.caisse_id).values_list("pk", flat=True))
                agent_units = (frozenset({membership.caisse_id}), sites)
    return Contract(rapport, role, region_rights, agent_units, state_reason(rapport))


def find_rapport(user, code, annee, select_related=()):
    """The report of region `code` for exercice `annee` in the user's scope, unsaved if nobody wrote to it; else 404.

    An existing report costs one query, with its region and exercice; `select_related` adds the report's
    one-to-one rows a page reads (e.g. "partie_trois").
    """
    from django.http import Http404

    from .models import Exercice

    rapport = (
        RapportAnnuel.objects.select_related("caisse", "exercice", *select_related)
        .filter(caisse__in=visible_regions(user), caisse__code=code, exercice__annee=annee)
        .first()
    )
    if rapport is not None:
        return rapport
    try:
        region = visible_regions(user).get(code=code)
    except Caisse.DoesNotExist:
        raise Http404("Caisse inconnue.") from None
    try:
        exercice = Exercice.objects.get(annee=annee)
    except Exercice.DoesNotExist:
        raise Http404("Exercice inconnu.") from None
    return RapportAnnuel(caisse=region, exercice=exercice)


def contract_for(request, code, annee, select_related=()):
    """The request's Contract on report (code, annee), computed once per request and kept on it."""
    cache = request.__dict__.setdefault("_contracts", {})
    key = (code, int(annee))
    if key not in cache:
        rapport = find_rapport(request.user, code, annee, select_related)
        cache[key] = contract_of(request.user, rapport)
    return cache[key]
