"""The data dictionary: /indicateurs/ (every signed-in user)."""

from django.urls import path

from . import views_dictionnaire

urlpatterns = [
    path("indicateurs/", views_dictionnaire.dictionnaire_page, name="dictionnaire"),
]
