from django.apps import AppConfig


class UppfoljningConfig(AppConfig):
    name = "uppfoljning"
    verbose_name = "Uppföljning av förändrade insatser"

    def ready(self):
        from django.conf import settings

        # Samma svarsskala (Ja/Delvis/Nej/Vill inte svara) på två fält: ett namn i API-schemat. Hör hemma
        # i SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] (kvalitet/settings.py) när den ändras nästa gång.
        overrides = getattr(settings, "SPECTACULAR_SETTINGS", {}).setdefault("ENUM_NAME_OVERRIDES", {})
        overrides.setdefault("RostsvarEnum", "uppfoljning.models.Rostsvar")
