"""{% lien_saisie region exercice rapport %}: "Saisir" for whoever may change the report, else "Consulter la saisie"."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from caisses.contract import contract_of
from caisses.models import RapportAnnuel

register = template.Library()


@register.simple_tag(takes_context=True)
def lien_saisie(context, region, exercice, rapport=None):
    # Not started yet: an unsaved draft, created by its first save.
    rapport = rapport or RapportAnnuel(caisse=region, exercice=exercice)
    editable = contract_of(context["user"], rapport).editable
    url = reverse("saisie", kwargs={"code": region.code, "annee": exercice.annee})
    label = "Saisir" if editable else "Consulter la saisie"
    return format_html(
        '<a href="{}">{}<span class="visually-hidden"> le rapport {}</span></a>', url, label, exercice.annee
    )
