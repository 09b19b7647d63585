"""Öppna sidor utan inloggning. Monteras av kvalitet/urls.py under /oppen/avvikelser/."""

from django.urls import path

from avvikelser import views

app_name = "avvikelser_oppen"

urlpatterns = [
    path("klagomal/", views.oppet_klagomal, name="klagomal"),
]
