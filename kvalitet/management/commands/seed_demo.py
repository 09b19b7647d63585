import datetime
import random

from django.core.management.base import BaseCommand
from django.utils import timezone

from kvalitet import appar, demo


class Command(BaseCommand):
    help = "Bygger demokommunen (idempotent). --scale N ger N gånger så mycket data (för benchmark)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Datamängd som multipel av demon.")
        parser.add_argument(
            "--utan-appar", action="store_true", help="Bara organisation, användare, brukare."
        )

    def handle(self, *args, scale: int, utan_appar: bool, **options):
        if scale < 1:
            self.stderr.write("--scale måste vara minst 1.")
            return
        kommun, namnder, omraden, enheter = demo.bygg_organisation()
        anvandare = demo.bygg_anvandare()
        kontext = demo.DemoKontext(
            skala=scale,
            slump=random.Random(20261122),
            kommun=kommun,
            namnder=namnder,
            omraden=omraden,
            enheter=enheter,
            anvandare=anvandare,
            idag=timezone.localdate(),
            skriv=self.stdout.write,
        )
        nya = demo.bygg_brukare(kontext)
        self.stdout.write(
            f"Organisation: {len(enheter)} enheter i {len(namnder)} nämnder. Nya brukare: {nya}."
        )
        if not utan_appar:
            # Apparna som bygger vidare på demokommunen, i INSTALLED_APPS ordning (beroendeordningen).
            for modul in appar.undermoduler("demo"):
                modul.seed(kontext)
        self.stdout.write(
            self.style.SUCCESS("Demokommunen är klar. Inloggningar (lösenord: " + demo.DEMO_LOSENORD + "):")
        )
        for namn, _, _, roll, nodkod in demo.DEMOANVANDARE:
            self.stdout.write(f"  {namn:<22} {roll.label:<20} ({nodkod})")
        self.stdout.write(f"Datum i demon räknas från {datetime.date.today():%Y-%m-%d}.")
