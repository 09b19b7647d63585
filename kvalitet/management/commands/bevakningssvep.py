import time

from django.core.management.base import BaseCommand

from kvalitet import services


class Command(BaseCommand):
    help = "Kör bevakningssvepet (förfallna påminnelser och e-postutkorgen) en gång, eller i en slinga."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, help="Kör om var N:e sekund (demo utan Celery beat)."
        )

    def handle(self, *args, loop: int, **options):
        while True:
            nya = services.bevakningar_svep()
            skickade = services.utkorg_skicka()
            self.stdout.write(f"Nya notifikationer: {nya}, skickad e-post: {skickade}.")
            if not loop:
                return
            time.sleep(loop)
