"""Entry pages of Part II: /rapports/<code>/<annee>/saisie/II-1/ … /II-4/."""

from django.urls import path

from . import views, views_classeur, views_reprise

PREFIX = "<slug:code>/<int:annee>/saisie/"

urlpatterns = [
    path(PREFIX + "II-1/", views.saisie_ii1, name="saisie_ii1"),
    path(PREFIX + "II-1/classeur/", views_classeur.classeur_ii1, name="classeur_ii1"),
    path(PREFIX + "II-1/classeur/envoi/", views_classeur.classeur_ii1_envoi, name="classeur_ii1_envoi"),
    path(
        PREFIX + "II-1/classeur/application/", views_classeur.classeur_ii1_application, name="classeur_ii1_application"
    ),
    path(PREFIX + "II-2/", views.saisie_ii2, name="saisie_ii2"),
    path(PREFIX + "II-3/", views.saisie_ii3, name="saisie_ii3"),
    path(PREFIX + "II-3/reprise/", views_reprise.reprise_ii3, name="reprise_ii3"),
    path(PREFIX + "II-4/", views.saisie_ii4, name="saisie_ii4"),
]
