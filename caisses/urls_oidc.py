from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path("refus/", TemplateView.as_view(template_name="registration/oidc_refus.html"), name="oidc_refus"),
]
