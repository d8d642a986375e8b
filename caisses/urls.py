from django.urls import path

from . import views

urlpatterns = [
    path("caisses/<slug:code>/", views.region_detail, name="region_detail"),
]
