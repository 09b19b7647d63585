from django.apps import AppConfig


class UppfoljningConfig(AppConfig):
    name = "uppfoljning"
    verbose_name = "Uppföljning av förändrade insatser"

    def ready(self):
        # Riskanalysens sida visar förändringarna analysen förberett, utan att importera uppföljningen
        # (som själv beror på riskanalysen): kvalitet.kopplingar.
        from kvalitet import kopplingar
        from uppfoljning import queries

        kopplingar.registrera("riskanalys.forandringar", queries.forandringar_for_riskanalys, av=self.name)
        kopplingar.registrera("namndjamforelse.tackning", queries.tackning_per_namnd, av=self.name)
