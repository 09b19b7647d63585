from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kvalitet import health, metrik, session, tvafaktor, views, views_atgardsregister

app_urls = (
    [
        path("", views.start, name="start"),
        path("start/<slug:nyckel>/", views.start_lista, name="start_lista"),
        path("organisation/", views.organisation, name="organisation"),
        path("brukare/", views.brukare_lista, name="brukare_lista"),
        path("brukare/ny/", views.brukare_ny, name="brukare_ny"),
        path("brukare/<int:pk>/", views.brukare_detalj, name="brukare"),
        path("brukare/<int:pk>/andra/", views.brukare_andra, name="brukare_andra"),
        path("brukare/<int:pk>/insats/ny/", views.insats_ny, name="insats_ny"),
        path("brukare/<int:pk>/overlamna/", views.brukare_overlamna, name="brukare_overlamna"),
        path("brukare/<int:pk>/hav-skydd/", views.brukare_hav_skydd, name="brukare_hav_skydd"),
        path("enskild/sok/", views.enskild_sok, name="enskild_sok"),
        path("sok/", views.sok, name="sok"),
        path("loggkontroll/", views.loggkontroll, name="loggkontroll"),
        path("notifikationer/", views.notifikationer, name="notifikationer"),
        path("notifikationer/<int:pk>/last/", views.notifikation_last, name="notifikation_last"),
        path("sessionen/fortsatt/", session.fortsatt, name="session_fortsatt"),
        path("atgarder/", views_atgardsregister.atgardsregister_lista, name="atgardsregister"),
    ],
    "kvalitet",
)

urlpatterns = [
    path("", include(app_urls)),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("tvafaktor/", tvafaktor.tvafaktor, name="tvafaktor"),
    path("tvafaktor/reservkoder/", tvafaktor.reservkoder, name="tvafaktor_reservkoder"),
    path("tvafaktor/reservkoder/nya/", tvafaktor.reservkoder_nya, name="tvafaktor_reservkoder_nya"),
    path(
        "health/",
        health.Halsa.as_view(
            checks=["kvalitet.health.Databas", "kvalitet.health.Redis", "kvalitet.health.Celery"]
        ),
        name="health",
    ),
    path("metrics", metrik.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("avvikelser/", include("avvikelser.urls")),
    path("lexsarah/", include("lexsarah.urls")),
    path("riskanalys/", include("riskanalys.urls")),
    path("uppfoljning/", include("uppfoljning.urls")),
    path("rapporter/", include("rapporter.urls")),
    path("oppen/avvikelser/", include("avvikelser.urls_oppen")),
    # QR-affischens korta adress; kräver inloggning som allt annat (kvalitet.middleware).
    path("r/", include("avvikelser.urls_kort")),
    path("kvalitetsarbete/", include("kvalitet.urls_kvalitetsarbete")),
    path("api/", include("kvalitet.api_urls")),
]

if settings.OIDC_AKTIV:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

handler400 = "kvalitet.views_fel.felaktig_begaran"
handler403 = "kvalitet.views_fel.forbjuden"
handler404 = "kvalitet.views_fel.saknas"
handler500 = "kvalitet.views_fel.serverfel"
