"""The reviewers' comments on the entry page of the section they are about.

Why a template tag: every entry page (I.1–I.4 in `effectifs`, II.1–II.4 in `activites`, III here) renders
saisie_base.html with caisses.saisie.saisie_context, and neither `caisses` (the bottom layer) nor the parts may
import `rapports`, where Commentaire lives. A tag of this (top) app, called from rapports/_commentaires_section.html
which saisie_base.html includes, reads the comments of the page's section with one query and no view changed.
A context processor would run on every page of the site; the tag runs only on entry pages.
"""

from django import template

from rapports.models import Commentaire

register = template.Library()


@register.simple_tag(takes_context=True)
def commentaires_de_la_section(context):
    """{"commentaires": [...], "peut_traiter": bool} for the page's report and section (nothing on other pages)."""
    rapport, section, contrat = context.get("rapport"), context.get("section"), context.get("contrat")
    if rapport is None or section is None or rapport.pk is None:
        return {"commentaires": [], "peut_traiter": False}
    commentaires = list(
        Commentaire.objects.filter(rapport_id=rapport.pk, section=section.code)
        .select_related("auteur", "traite_par")
        .order_by("traite", "-cree_le", "-pk")
    )
    # Whoever answers for the region's data (the region's responsable, an admin) says a comment is dealt with.
    peut_traiter = bool(contrat is not None and contrat.region_rights)
    return {"commentaires": commentaires, "peut_traiter": peut_traiter}
