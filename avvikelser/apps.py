from django.apps import AppConfig


class AvvikelserConfig(AppConfig):
    name = "avvikelser"
    verbose_name = "Avvikelser och klagomål"
