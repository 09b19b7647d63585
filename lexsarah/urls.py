from django.urls import path

from lexsarah import views

app_name = "lexsarah"

urlpatterns = [
    path("", views.index, name="index"),
    path("mina/", views.mina, name="mina"),
    path("rapportera/", views.rapportera, name="rapportera"),
    path("register/", views.register, name="register"),
    path("register/export/", views.register_export, name="register_export"),
    path("<int:pk>/", views.detalj, name="detalj"),
    path("<int:pk>/utredning/", views.utredning, name="utredning"),
    path("<int:pk>/berorda/", views.berorda, name="berorda"),
    path("<int:pk>/bedomning/", views.bedomning, name="bedomning"),
    path("<int:pk>/preliminart/", views.preliminart, name="preliminart"),
    path("<int:pk>/ivo/anmal/", views.ivo_anmal, name="ivo_anmal"),
    path("<int:pk>/ivo/", views.ivo, name="ivo"),
    path("<int:pk>/ivo.pdf", views.ivo_pdf, name="ivo_pdf"),
    path("<int:pk>/status/", views.byt_status, name="status"),
    path("<int:pk>/atgard/", views.atgard, name="atgard"),
    path("<int:pk>/uppfoljning/", views.uppfoljning, name="uppfoljning"),
    path("<int:pk>/kommentar/", views.kommentar, name="kommentar"),
    path("<int:pk>/bilaga/", views.bilaga_ladda_upp, name="bilaga_ny"),
    path("bilaga/<int:pk>/", views.bilaga_hamta, name="bilaga"),
]
