from django.apps import AppConfig


class UppfoljningConfig(AppConfig):
    name = "uppfoljning"
    verbose_name = "Uppföljning av förändrade insatser"
