from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("caisses/<slug:code>/", views.region_detail, name="region_detail"),
    # « Mot de passe oublié ? » and the invitations' links (caisses.auth): Django's views, French templates.
    path("accounts/password_reset/", views.PasswordReset.as_view(), name="password_reset"),
    path(
        "accounts/password_reset/done/",
        auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("accounts/reset/<uidb64>/<token>/", views.PasswordResetConfirm.as_view(), name="password_reset_confirm"),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="registration/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.Favicon.as_view(), name="favicon"),
]
