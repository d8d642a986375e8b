from django import template

from caisses import numbers

register = template.Library()


@register.filter
def nombre(value, decimals=0):
    return numbers.format_nombre(value, int(decimals))


@register.filter
def pourcent(value, decimals=1):
    return numbers.format_pourcent(value, int(decimals))


@register.filter
def saisi(value, places=None):
    """An entered figure with the precision it was typed with, at most `places` decimals: 31,47 ; 12,5 ; 350."""
    return numbers.format_saisi(value, None if places in (None, "") else int(places))


@register.filter
def pourcent_saisi(value, places=2):
    """An entered percentage: 31,47 % ; 31,5 %."""
    return numbers.format_pourcent_saisi(value, int(places))


@register.simple_tag
def evolution(current, previous, decimals=2):
    """The relative evolution of a count or an amount (« +7,54 % »); for a rate use {% variation … "taux" %}."""
    return numbers.format_evolution(current, previous, int(decimals))


@register.simple_tag
def variation(current, previous, kind=numbers.NOMBRE, decimals=None):
    """{% variation n n1 "taux" %} → « -4,7 pts »; {% variation n n1 %} → « +7,54 % » (caisses.numbers)."""
    return numbers.format_variation(current, previous, kind, None if decimals is None else int(decimals))


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
