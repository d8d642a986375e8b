from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from caisses.views_oidc import ConnexionView
from rapports.views_accueil import home

admin.site.site_header = "Rapports d'activité du service social — administration"
admin.site.site_title = "Administration des rapports"
admin.site.index_title = "Organisations, utilisateurs et catalogue"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/login/", ConnexionView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("oidc/", include("caisses.urls_oidc")),
    path("", include("caisses.urls_pages")),
    path("rapports/", include("rapports.urls")),
    path("rapports/", include("activites.urls")),
    path("national/", include("rapports.urls_national")),
    path("", include("activites.urls_dictionnaire")),
    path("", home, name="home"),
    path("", include("caisses.urls")),
]
