"""Den korta adressen på QR-affischen (/r/<enhet>/): utan namnrymd, så att den hålls kort."""

from django.urls import path

from avvikelser import views

urlpatterns = [
    path("<int:pk>/", views.kort_rapport, name="kort_rapport"),
]
