"""Entry pages of Part I, included under /rapports/<code>/<annee>/saisie/."""

from django.urls import path

from . import views, views_classeur

urlpatterns = [
    path("I-1/", views.saisie_i1, name="saisie_i1"),
    path("I-2/", views.saisie_i2, name="saisie_i2"),
    path("I-3/", views.saisie_i3, name="saisie_i3"),
    path("I-4/", views.saisie_i4, name="saisie_i4"),
    path("I-2/reprise/", views.reprise_i2, name="reprise_i2"),
    path("I-4/reprise/", views.reprise_i4, name="reprise_i4"),
]

# « Travailler hors ligne »: the section's workbook (GET) and its upload for a preview (POST).
for _n in "1234":
    urlpatterns += [
        path(f"I-{_n}/classeur/", getattr(views_classeur, f"classeur_i{_n}"), name=f"classeur_i{_n}"),
        path(f"I-{_n}/classeur/envoi/", getattr(views_classeur, f"classeur_i{_n}_envoi"), name=f"classeur_i{_n}_envoi"),
    ]
