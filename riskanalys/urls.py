from django.urls import path

from riskanalys import views

app_name = "riskanalys"

urlpatterns = [
    path("", views.index, name="index"),
]
