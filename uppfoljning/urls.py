from django.urls import path

from uppfoljning import views

app_name = "uppfoljning"

urlpatterns = [
    path("", views.index, name="index"),
    path("forandringar/", views.forandringar, name="forandringar"),
    path("forandringar/ny/", views.forandring_ny, name="forandring_ny"),
    path("forandringar/<int:pk>/", views.forandring_detalj, name="forandring"),
    path("forandringar/<int:pk>/urval/", views.forandring_urval, name="forandring_urval"),
    path("forandringar/<int:pk>/andra/", views.forandring_andra, name="forandring_andra"),
    path("forandringar/<int:pk>/kontakter/", views.forandring_kontakter, name="forandring_kontakter"),
    path("arenden/ny/", views.arende_ny, name="arende_ny"),
    path("arenden/<int:pk>/", views.arende, name="arende"),
    path("arenden/<int:pk>/kontakt/", views.arende_kontakt, name="arende_kontakt"),
    path("arenden/<int:pk>/bedom/", views.arende_bedom, name="arende_bedom"),
    path("arenden/<int:pk>/folj-upp/", views.arende_folj_upp, name="arende_folj_upp"),
    path("mina/", views.mina, name="mina"),
    path("tackning/", views.tackning, name="tackning"),
    path("tackning/<slug:brist>/", views.tackning_brist, name="tackning_brist"),
    path("citat/", views.citat, name="citat"),
    path("citat/<int:pk>/valj/", views.citat_valj, name="citat_valj"),
    path("ivo-svar.csv", views.ivo_export, name="ivo_export"),
    path("ej-verkstallda/", views.ej_verkstallda, name="ej_verkstallda"),
    path("ej-verkstallda/<int:pk>/", views.beslut, name="beslut"),
    path("ej-verkstallda/avbrott/", views.avbrott_ny, name="avbrott_ny"),
    path("ej-verkstallda/individrapporter/", views.individrapporter, name="individrapporter"),
    path(
        "ej-verkstallda/individrapporter.csv", views.individrapporter_export, name="individrapporter_export"
    ),
    path("ej-verkstallda/sammanstallning/", views.sammanstallning, name="sammanstallning"),
]
