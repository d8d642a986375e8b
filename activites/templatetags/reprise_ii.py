"""The II.3 page's offer to copy last year's rows; a tag because that page's view (activites.views) is shared."""

from django import template

from activites import reprise

register = template.Library()


@register.simple_tag
def reprise_ii3(contrat):
    """activites.reprise.offre_ii3 for the page's entry contract: a Copie to describe, or None."""
    return reprise.offre_ii3(contrat)
