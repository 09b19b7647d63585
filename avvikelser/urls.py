from django.urls import path

from avvikelser import views

app_name = "avvikelser"

urlpatterns = [
    path("", views.index, name="index"),
    path("mina/", views.mina, name="mina"),
    path("rapportera/", views.rapportera, name="rapportera"),
    path("affischer/", views.affischer, name="affischer"),
    path("affischer/<int:pk>/pdf/", views.affisch_pdf, name="affisch_pdf"),
    path("export/", views.export, name="export"),
    path("statistik/", views.statistik, name="statistik"),
    path("styrdiagram/", views.styrdiagram, name="styrdiagram"),
    path("tratt/", views.tratt, name="tratt"),
    path("namnder/", views.namnder, name="namnder"),
    path("klagomal/", views.klagomal_lista, name="klagomal"),
    path("klagomal/export/", views.klagomal_export, name="klagomal_export"),
    path("klagomal/ny/", views.klagomal_registrera, name="klagomal_ny"),
    path("klagomal/<int:pk>/", views.klagomal_detalj, name="klagomal_detalj"),
    path("klagomal/<int:pk>/tema/", views.klagomal_tema, name="klagomal_tema"),
    path("klagomal/<int:pk>/atgard/", views.klagomal_atgard, name="klagomal_atgard"),
    path(
        "klagomal/<int:pk>/atgard/uppfoljning/",
        views.klagomal_atgard_folj_upp,
        name="klagomal_atgard_uppfoljning",
    ),
    path("klagomal/<int:pk>/oppna/", views.klagomal_oppna_igen, name="klagomal_oppna"),
    path("<int:pk>/", views.detalj, name="detalj"),
    path("<int:pk>/status/", views.byt_status, name="status"),
    path("<int:pk>/utred/", views.utred, name="utred"),
    path("<int:pk>/atgard/", views.atgard, name="atgard"),
    path("<int:pk>/atgard/uppfoljning/", views.atgard_folj_upp, name="atgard_uppfoljning"),
    path("<int:pk>/eskalera/", views.eskalera, name="eskalera"),
    path("<int:pk>/bilaga/", views.bilaga_ladda_upp, name="bilaga_ny"),
    path("bilaga/<int:pk>/", views.bilaga_hamta, name="bilaga"),
]
