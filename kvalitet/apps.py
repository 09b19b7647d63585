from django.apps import AppConfig


class KvalitetConfig(AppConfig):
    name = "kvalitet"
    verbose_name = "Kvalitet (kärnan)"
