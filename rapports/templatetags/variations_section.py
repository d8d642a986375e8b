"""The variations from N−1 of an entry page's section, with their explanations, at the top of the page.

As for the reviewers' comments (rapports.templatetags.commentaires): the entry pages of Part I and II.1 live in
the parts, which may not import `rapports`, where the rule of variations lives; saisie_base.html includes
rapports/_variations_section.html, whose tag reads them for the sections that have such figures only. Whoever may
change the report types each explanation there, beside the figure's values, without leaving the section.
"""

from django import template
from django.urls import reverse

from caisses.guard import section_version
from rapports import variations
from rapports.forms_variations import ExplicationsForm, field_name

register = template.Library()


@register.simple_tag(takes_context=True)
def variations_de_la_section(context):
    """{"variations": [(Variation of this section, its anchor, its form field)], "url": the page « Explications des
    variations », "modifiable", "version": the explanations' version when modifiable}."""
    rapport, section = context.get("rapport"), context.get("section")
    if rapport is None or section is None or rapport.pk is None:
        return {"variations": []}
    if section.code not in variations.SECTIONS_DES_CHIFFRES:
        return {"variations": []}
    found = [v for v in variations.variations_du_rapport(rapport) if variations.section_of(v.cle) == section.code]
    contract = context.get("contrat")
    modifiable = bool(found) and contract is not None and contract.editable
    form = ExplicationsForm(found)
    url = reverse("rapport_variations", kwargs={"code": rapport.caisse.code, "annee": rapport.exercice.annee})
    return {
        "variations": [(v, variations.ancre(v.cle), form[field_name(v.cle)]) for v in found],
        "url": url,
        "section": section.code,
        "modifiable": modifiable,
        "a_expliquer": sum(1 for v in found if not v.expliquee),
        "version": section_version(rapport, variations.SECTION) if modifiable else None,
    }
