from django.urls import include, path

from sammen.web import views as web_views

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("sammen.accounts.urls")),
    path("", include("sammen.roster.urls")),
    path("", include("sammen.attendance.urls")),
    path("", include("sammen.attendance.routine_urls")),
    path("", include("sammen.warning.urls")),
    path("", include("sammen.cooperation.urls")),
    path("", include("sammen.voice.urls")),
    path("", include("sammen.followup.urls")),
    path("", include("sammen.conversations.urls")),
    path("", include("sammen.portal.urls")),
]
