"""{% lien_saisie region exercice rapport %}: "Saisir" for whoever may change the report, else "Consulter la saisie"."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from caisses.scoping import can_edit_rapport, can_edit_region_data, editable_units

register = template.Library()


@register.simple_tag(takes_context=True)
def lien_saisie(context, region, exercice, rapport=None):
    user = context["user"]
    if rapport is not None:
        editable = can_edit_rapport(user, rapport)
    else:
        # Not started yet: the report is created, as a draft, on first access.
        editable = can_edit_region_data(user, region) or any(editable_units(user, region))
    url = reverse("saisie", kwargs={"code": region.code, "annee": exercice.annee})
    label = "Saisir" if editable else "Consulter la saisie"
    return format_html(
        '<a href="{}">{}<span class="visually-hidden"> le rapport {}</span></a>', url, label, exercice.annee
    )
