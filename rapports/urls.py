"""URLs of one report: /rapports/<code>/<annee>/... (each app adds its pages here)."""

from django.urls import include, path

from . import partie_trois, views_cycle, views_import, views_rapport, views_saisie, views_variations
from .views_interchange import export_json

urlpatterns = [
    path("<slug:code>/<int:annee>/", views_rapport.rapport_detail, name="rapport_detail"),
    path("<slug:code>/<int:annee>/pdf/", views_rapport.rapport_pdf, name="rapport_pdf"),
    path("<slug:code>/<int:annee>/saisie/", views_saisie.saisie, name="saisie"),
    path("<slug:code>/<int:annee>/export.json", export_json, name="rapport_export_json"),
    path("<slug:code>/<int:annee>/saisie/", include("effectifs.urls")),
    path("<slug:code>/<int:annee>/saisie/III/", partie_trois.saisie_iii, name="saisie_iii"),
    # The report's life (issue 6): transmission page, transitions (POST), archives, history, comments, upload.
    path("<slug:code>/<int:annee>/transmission/", views_cycle.transmission, name="rapport_transmission"),
    path("<slug:code>/<int:annee>/transmettre/", views_cycle.transmettre, name="rapport_transmettre"),
    path("<slug:code>/<int:annee>/renvoyer/", views_cycle.renvoyer, name="rapport_renvoyer"),
    path("<slug:code>/<int:annee>/valider/", views_cycle.valider, name="rapport_valider"),
    path("<slug:code>/<int:annee>/rouvrir/", views_cycle.rouvrir, name="rapport_rouvrir"),
    path("<slug:code>/<int:annee>/archives/<int:numero>/", views_cycle.archive, name="rapport_archive"),
    path("<slug:code>/<int:annee>/historique/<str:section>/", views_cycle.historique, name="rapport_historique"),
    path("<slug:code>/<int:annee>/commentaires/", views_cycle.commenter, name="rapport_commenter"),
    path(
        "<slug:code>/<int:annee>/commentaires/<int:pk>/traite/",
        views_cycle.commentaire_traite,
        name="rapport_commentaire_traite",
    ),
    path("<slug:code>/<int:annee>/import/", views_import.importer, name="rapport_import"),
    # Variations explained (issue 12): the figures past their threshold from N−1, and the region's explanations.
    path("<slug:code>/<int:annee>/variations/", views_variations.explications, name="rapport_variations"),
]
