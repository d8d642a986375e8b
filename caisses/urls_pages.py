from django.urls import path

from . import views_pages

urlpatterns = [
    path("accessibilite/", views_pages.accessibilite, name="accessibilite"),
    path("donnees-personnelles/", views_pages.donnees_personnelles, name="donnees_personnelles"),
]
