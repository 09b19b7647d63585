from django.urls import path

from lexsarah import views

app_name = "lexsarah"

urlpatterns = [
    path("", views.index, name="index"),
]
