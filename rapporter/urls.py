from django.urls import path

from rapporter import views

app_name = "rapporter"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.skapa, name="skapa"),
    path("samlad-analys/", views.samlad_analys, name="samlad_analys"),
    path("samlad-analys/text/", views.samlad_analys_text, name="samlad_analys_text"),
    path("<int:pk>/", views.detalj, name="detalj"),
    path("<int:pk>/text/<slug:avsnitt>/", views.text, name="text"),
    path("<int:pk>/pdf/", views.pdf_bestall, name="pdf_bestall"),
    path("<int:pk>/pdf/status/", views.pdf_status, name="pdf_status"),
    path("<int:pk>/pdf/hamta/", views.pdf_hamta, name="pdf_hamta"),
    path("<int:pk>/publicera/", views.publicera, name="publicera"),
    path("<int:pk>/jamfor/", views.jamfor, name="jamfor"),
    path("<int:pk>/version/<int:nummer>/", views.version, name="version"),
    path("<int:pk>/version/<int:nummer>/pdf/", views.version_pdf, name="version_pdf"),
]
