"""`{{ blocs|blocs_html }}` and `{{ tableau|tableau_html }}`: the report's blocks rendered by rapports.blocs_html."""

from django import template

from rapports import blocs_html as html

register = template.Library()


@register.filter
def blocs_html(blocs):
    return html.blocs_html(blocs)


@register.filter
def tableau_html(tableau):
    return html.tableau_html(tableau)
