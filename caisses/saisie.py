"""The frame shared by every data-entry page: the plan's side navigation with each section's state.

Entry pages of every part render `templates/rapports/saisie_base.html` with `saisie_context(...)`.
"""

from django.urls import NoReverseMatch, reverse

from caisses.scoping import can_edit_rapport, can_edit_region_data

from .plan import PLAN, SECTIONS, EtatSection, section_states


def section_url(section, rapport):
    """The entry page of `section`, or None while no app provides it yet."""
    if not section.saisie_url:
        return None
    try:
        return reverse(section.saisie_url, kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})
    except NoReverseMatch:
        return None


def plan_navigation(rapport, current=None):
    """[(partie, [{section, etat, etat_label, url, courante}])] in the plan's order."""
    states = section_states(rapport)
    return [
        (
            partie,
            [
                {
                    "section": section,
                    "etat": states[section.code],
                    "etat_label": EtatSection.LABELS[states[section.code]],
                    "url": section_url(section, rapport),
                    "courante": section.code == current,
                }
                for section in partie.sections
            ],
        )
        for partie in PLAN
    ]


def read_only_reason(user, rapport):
    """Why the user may not change this report now, or "" when they may."""
    if not rapport.is_editable:
        return f"Le rapport est « {rapport.get_etat_display().lower()} » : ses données ne sont plus modifiables."
    if not can_edit_rapport(user, rapport):
        return "Vous consultez ce rapport en lecture seule."
    return ""


def saisie_context(user, rapport, current=None, **extra):
    """Context of an entry page: the report, the navigation, and what the user may do.

    `peut_modifier_region`: may change the region-wide data of the section (responsable, admin);
    an agent de saisie may only change its own unit's rows, where a page has such rows.
    """
    reason = read_only_reason(user, rapport)
    context = {
        "rapport": rapport,
        "region": rapport.caisse,
        "exercice": rapport.exercice,
        "plan_navigation": plan_navigation(rapport, current),
        "section": SECTIONS.get(current),
        "lecture_seule": bool(reason),
        "motif_lecture_seule": reason,
        "peut_modifier_region": not reason and can_edit_region_data(user, rapport.caisse),
    }
    context.update(extra)
    return context
