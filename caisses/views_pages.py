"""Public pages every footer links to: the accessibility declaration and what personal data is kept, and why."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Membership

# The date the declaration was drawn up (RGAA: « Établissement de cette déclaration »); a new audit moves it.
DECLARATION_DATE = "2 décembre 2026"


def contact_email():
    """Where questions on accessibility and personal data go: CONTACT_EMAIL when set, else the site's sender."""
    return getattr(settings, "CONTACT_EMAIL", "") or settings.DEFAULT_FROM_EMAIL


@require_safe
def accessibilite(request):
    return render(
        request,
        "pages/accessibilite.html",
        {"declaration_date": DECLARATION_DATE, "contact_email": contact_email()},
    )


@require_safe
def donnees_personnelles(request):
    return render(
        request,
        "pages/donnees_personnelles.html",
        {
            "connexions_mois": settings.CONNEXIONS_CONSERVATION_MOIS,
            "historique_annees": settings.HISTORIQUE_CONSERVATION_ANNEES,
            "session_heures": settings.SESSION_COOKIE_AGE // 3600,
            "roles": Membership.Role.choices,
            "contact_email": contact_email(),
        },
    )
