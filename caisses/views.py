from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.templatetags.static import static
from django.views.generic.base import RedirectView

from . import queries
from .auth import ResetForm
from .scoping import get_region


@login_required
def region_detail(request, code):
    region = get_region(request.user, code)
    exercices = queries.recent_exercices(limit=10)
    return render(
        request,
        "caisses/region_detail.html",
        {
            "region": region,
            "primaires": queries.primaires_of(region),
            "sites": queries.sites_of(region),
            "rapports": queries.reports_by_exercice(region, exercices),
        },
    )


class PasswordReset(auth_views.PasswordResetView):
    """« Mot de passe oublié ? »: the link by e-mail (caisses.auth), the same answer for any address."""

    form_class = ResetForm
    template_name = "registration/password_reset_form.html"


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Choosing a password from the e-mailed link; a user locked out by failed logins may log in again."""

    template_name = "registration/password_reset_confirm.html"

    def form_valid(self, form):
        response = super().form_valid(form)
        # The lockout (django-axes) counts failures by username: a new password starts afresh.
        axes_reset(username=self.user.get_username())
        return response


class Favicon(RedirectView):
    """/favicon.ico, asked by browsers whatever the page links: the SVG icon (its hashed name in production)."""

    permanent = False

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")
