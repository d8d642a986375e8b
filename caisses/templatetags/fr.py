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


@register.filter
def euros(value):
    return numbers.format_euros(value)


@register.filter
def date_fr(value):
    """31/12/2025"""
    return numbers.format_date(value)


@register.filter
def date_longue(value):
    """1er janvier 2026"""
    return numbers.format_date_longue(value)


@register.filter
def date_heure(value):
    """31/12/2025 à 14:05"""
    return numbers.format_date_heure(value)
