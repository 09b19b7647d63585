from django.urls import path

from avvikelser import views

app_name = "avvikelser"

urlpatterns = [
    path("", views.index, name="index"),
]
