"""Mål och indikatorer, intern kontrollplan och förbättringsplan (kvalitetsarbetets egna sidor)."""

from django.urls import path

from kvalitet import views_kvalitetsarbete as views

app_name = "kvalitetsarbete"

urlpatterns = [
    path("", views.index, name="index"),
    path("mal/ny/", views.mal_ny, name="mal_ny"),
    path("mal/<int:pk>/", views.mal_detalj, name="mal"),
    path("indikator/<int:pk>/", views.indikator, name="indikator"),
    path("kontrollplan/ny/", views.kontrollplan_ny, name="kontrollplan_ny"),
    path("kontrollplan/<int:pk>/", views.kontrollplan_detalj, name="kontrollplan"),
    path("kontrollpunkt/<int:pk>/", views.kontrollpunkt, name="kontrollpunkt"),
    path("forbattringsplan/ny/", views.forbattring_ny, name="forbattring_ny"),
    path("forbattringsplan/<int:pk>/", views.forbattring, name="forbattring"),
    path("kolada/", views.kolada_import, name="kolada"),
]
