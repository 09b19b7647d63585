from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from avvikelser import sammanstallning


class Command(BaseCommand):
    help = (
        "Kontrollerar statistikens månadssammanställning mot avvikelserna (utan flagga) eller bygger om den "
        "(--bygg-om), t.ex. efter byte av tidszon."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bygg-om", action="store_true", help="Räkna om allt och installera triggrarna.")

    def handle(self, *args, bygg_om: bool, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Månadssammanställningen finns bara i PostgreSQL; SQLite-demon räknar direkt.")
        if bygg_om:
            rader = sammanstallning.bygg_om(connection)
            self.stdout.write(f"Sammanställningen är ombyggd: {rader} rader (enhet × kategori × månad).")
            return
        fel = sammanstallning.avvikande_nycklar(connection)
        for enhet, kategori, manad, sparat, raknat in fel[:20]:
            self.stdout.write(
                f"enhet {enhet}, kategori {kategori}, {manad:%Y-%m}: {sparat} sparat, {raknat} räknat"
            )
        if fel:
            raise CommandError(f"{len(fel)} nycklar stämmer inte. Kör med --bygg-om.")
        self.stdout.write("Sammanställningen stämmer med avvikelserna.")
