from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("caisses/<slug:code>/", views.region_detail, name="region_detail"),
]
