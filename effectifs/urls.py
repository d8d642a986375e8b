"""Entry pages of Part I, included under /rapports/<code>/<annee>/saisie/."""

from django.urls import path

from . import views

urlpatterns = [
    path("I-1/", views.saisie_i1, name="saisie_i1"),
    path("I-2/", views.saisie_i2, name="saisie_i2"),
    path("I-3/", views.saisie_i3, name="saisie_i3"),
    path("I-4/", views.saisie_i4, name="saisie_i4"),
    path("I-2/reprise/", views.reprise_i2, name="reprise_i2"),
    path("I-4/reprise/", views.reprise_i4, name="reprise_i4"),
]
