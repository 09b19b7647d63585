from django.urls import path

from rapporter import views

app_name = "rapporter"

urlpatterns = [
    path("", views.index, name="index"),
]
