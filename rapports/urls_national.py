"""URLs of the national view of an exercice: /national/<annee>/... (relecteurs and administrateurs)."""

from django.urls import path

from . import views_national

urlpatterns = [
    path("<int:annee>/", views_national.national_view, name="national"),
    path("<int:annee>/export.xlsx", views_national.national_xlsx, name="national_xlsx"),
    path("<int:annee>/export.csv", views_national.national_csv, name="national_csv"),
    path("<int:annee>/pdf/", views_national.national_pdf, name="national_pdf"),
    path("<int:annee>/tendances/", views_national.national_tendances, name="national_tendances"),
]
