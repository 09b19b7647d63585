from django.apps import AppConfig


class LexsarahConfig(AppConfig):
    name = "lexsarah"
    verbose_name = "Lex Sarah"
