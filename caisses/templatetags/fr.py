from django import template

from caisses import numbers

register = template.Library()


@register.filter
def nombre(value, decimals=0):
    return numbers.format_nombre(value, int(decimals))


@register.filter
def pourcent(value, decimals=1):
    return numbers.format_pourcent(value, int(decimals))


@register.simple_tag
def evolution(current, previous, decimals=2):
    return numbers.format_evolution(current, previous, int(decimals))
