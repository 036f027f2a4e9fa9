from django.urls import path

from sammen.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logg-inn/", views.login, name="login"),
    path("logg-ut/", views.logout, name="logout"),
    path("tofaktor/", views.two_factor_view, name="two_factor"),
]
