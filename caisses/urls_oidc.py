from django.urls import path

from . import views_oidc

# The library's names, which its views reverse (the callback's redirect_uri, LOGIN_REDIRECT_URL_FAILURE).
urlpatterns = [
    path("authenticate/", views_oidc.AuthenticationRequestView.as_view(), name="oidc_authentication_init"),
    path("callback/", views_oidc.AuthenticationCallbackView.as_view(), name="oidc_authentication_callback"),
    path("logout/", views_oidc.LogoutView.as_view(), name="oidc_logout"),
    path("refus/", views_oidc.RefusView.as_view(), name="oidc_refus"),
]
