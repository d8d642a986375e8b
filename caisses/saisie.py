"""The frame shared by every data-entry page: the plan's side navigation with each section's state.

Entry pages of every part render `templates/rapports/saisie_base.html` with `saisie_context(...)`.
"""

from django.urls import NoReverseMatch, reverse

from .plan import PLAN, SECTIONS, EtatSection, section_states_kept


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
    # Kept per data version: an entry page reads no section state that did not change since the last look.
    states = section_states_kept([rapport]).get(rapport.pk) or dict.fromkeys(SECTIONS, EtatSection.VIDE)
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


def saisie_context(contract, current=None, region_only=False, **extra):
    """Context of an entry page from the request's entry contract (caisses.contract).

    `peut_modifier_region`: may change the region-wide data of the section (responsable, admin);
    `region_only`: the section has no unit rows, so an agent de saisie only reads it.
    """
    rapport = contract.rapport
    reason = contract.section_read_only_reason(region_only)
    context = {
        "rapport": rapport,
        "contrat": contract,
        "region": rapport.caisse,
        "exercice": rapport.exercice,
        "plan_navigation": plan_navigation(rapport, current),
        "section": SECTIONS.get(current),
        "lecture_seule": bool(reason),
        "motif_lecture_seule": reason,
        "peut_modifier_region": contract.region_editable,
    }
    context.update(extra)
    return context
