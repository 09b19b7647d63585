from django.urls import path

from riskanalys import views

app_name = "riskanalys"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.ny, name="ny"),
    path("risker/", views.risker, name="risker"),
    path("mallar/", views.mallar, name="mallar"),
    path("mallar/<int:pk>/", views.mall_detalj, name="mall"),
    path("<int:pk>/", views.detalj, name="detalj"),
    path("<int:pk>/andra/", views.redigera, name="redigera"),
    path("<int:pk>/pdf/", views.pdf, name="pdf"),
    path("<int:pk>/pdf/status/", views.pdf_status, name="pdf_status"),
    path("<int:pk>/pdf/hamta/", views.pdf_hamta, name="pdf_hamta"),
    path("<int:pk>/risk/", views.risk_ny, name="risk_ny"),
    path("<int:pk>/faststall/", views.faststall, name="faststall"),
    path("<int:pk>/folj-upp/", views.folj_upp, name="folj_upp"),
    path("<int:pk>/atgard-uppfoljning/", views.atgard_folj_upp, name="atgard_uppfoljning"),
    path("<int:pk>/ny-version/", views.ny_version, name="ny_version"),
    path("<int:pk>/mall/", views.spara_mall, name="spara_mall"),
    path("risk/<int:pk>/", views.risk_redigera, name="risk"),
    path("risk/<int:pk>/ta-bort/", views.risk_ta_bort, name="risk_ta_bort"),
    path("risk/<int:pk>/atgard/", views.atgard_ny, name="atgard_ny"),
    path("atgard/<int:pk>/", views.atgard_redigera, name="atgard"),
]
