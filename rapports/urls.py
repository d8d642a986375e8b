"""URLs of one report: /rapports/<code>/<annee>/... (each app adds its pages here)."""

from django.urls import path

from . import views_rapport, views_saisie
from .views_interchange import export_json

urlpatterns = [
    path("<slug:code>/<int:annee>/", views_rapport.rapport_detail, name="rapport_detail"),
    path("<slug:code>/<int:annee>/pdf/", views_rapport.rapport_pdf, name="rapport_pdf"),
    path("<slug:code>/<int:annee>/saisie/", views_saisie.saisie, name="saisie"),
    path("<slug:code>/<int:annee>/export.json", export_json, name="rapport_export_json"),
]
