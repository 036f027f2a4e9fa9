from django.urls import path

from sammen.accounts import views
from sammen.accounts.oidc import views as oidc_views

app_name = "accounts"
urlpatterns = [
    path("logg-inn/", views.login, name="login"),
    path("logg-ut/", views.logout, name="logout"),
    path("tofaktor/", views.two_factor_view, name="two_factor"),
    # Feide and ID-porten (docs/login.md); <provider> is "feide" or "idporten".
    path("logg-inn/<str:provider>/", oidc_views.start, name="oidc_start"),
    path("logg-inn/<str:provider>/tilbake/", oidc_views.callback, name="oidc_callback"),
    path(
        "logg-inn/<str:provider>/utlogging/",
        oidc_views.frontchannel_logout,
        name="oidc_frontchannel_logout",
    ),
    path(
        "logg-inn/<str:provider>/utlogging/bakkanal/",
        oidc_views.backchannel_logout,
        name="oidc_backchannel_logout",
    ),
]
