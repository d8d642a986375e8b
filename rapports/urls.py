"""URLs of one report: /rapports/<code>/<annee>/... (each app adds its pages here)."""

from django.urls import path

from . import views_saisie

urlpatterns = [
    path("<slug:code>/<int:annee>/saisie/", views_saisie.saisie, name="saisie"),
]
