"""The variations from N−1 of an entry page's section, with their explanations, at the top of the page.

As for the reviewers' comments (rapports.templatetags.commentaires): the entry pages of Part I and II.1 live in
the parts, which may not import `rapports`, where the rule of variations lives; saisie_base.html includes
rapports/_variations_section.html, whose tag reads them for the sections that have such figures only.
"""

from django import template
from django.urls import reverse

from rapports import variations

register = template.Library()

# The sections holding figures a threshold applies to (rapports.variations: Part I's key figures, the catalogue).
SECTIONS = {"I.1", "I.3", "II.1"}


@register.simple_tag(takes_context=True)
def variations_de_la_section(context):
    """{"variations": [(Variation of this section, link to its row)], "url": the page « Explications des
    variations »}."""
    rapport, section = context.get("rapport"), context.get("section")
    if rapport is None or section is None or rapport.pk is None or section.code not in SECTIONS:
        return {"variations": [], "url": ""}
    found = [v for v in variations.variations_du_rapport(rapport) if variations.section_of(v.cle) == section.code]
    url = reverse("rapport_variations", kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})
    return {"variations": [(v, f"{url}#{variations.ancre(v.cle)}") for v in found], "url": url}
