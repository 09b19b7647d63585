from django.apps import AppConfig


class LexsarahConfig(AppConfig):
    name = "lexsarah"
    verbose_name = "Lex Sarah"

    def ready(self):
        # Avvikelsernas nämndjämförelse visar lex Sarah bredvid utan att importera lexsarah (kretsberoende).
        from kvalitet import kopplingar
        from lexsarah import queries

        kopplingar.registrera("namndjamforelse.lexsarah", queries.statistik, av=self.name)
