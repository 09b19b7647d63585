"""REST-API:t, versionerat under /api/v1/. Schema på /api/schema/, dokumentation på /api/docs/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from kvalitet import appar
from kvalitet.api import brukare, importer, kvalitetsarbete

app_name = "api"

router = DefaultRouter(use_regex_path=False)
# Formatet väljs med Accept-huvudet; inga .json-varianter av varje adress (halverar schemat).
router.include_format_suffixes = False
router.register("organisation", brukare.OrgNodViewSet, basename="orgnod")
router.register("insatstyper", brukare.InsatstypViewSet, basename="insatstyp")
router.register("brukare", brukare.BrukareViewSet, basename="brukare")
router.register("insatser", brukare.InsatsViewSet, basename="insats")
kvalitetsarbete.registrera(router)

# Varje app registrerar sina resurser i <app>/api.py (registrera(router)); kärnan hittar filerna genom
# INSTALLED_APPS (kvalitet.appar) och importerar ingen app själv.
for _modul in appar.undermoduler("api"):
    _modul.registrera(router)

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/import/brukare/", importer.ImportBrukareView.as_view(), name="import_brukare"),
    path("v1/import/insatser/", importer.ImportInsatserView.as_view(), name="import_insatser"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Split-vyn serverar initieringsskriptet som en egen fil (?script): ingen inline-JS under strikt CSP.
    # Ingen Redoc: dess mall hämtar typsnitt från Google och har inline-stil.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
]
