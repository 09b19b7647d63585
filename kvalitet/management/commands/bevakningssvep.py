import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kvalitet.celery import app


class Command(BaseCommand):
    help = (
        "Kör samma svep som Celery beat (påminnelser och e-postutkorgen, uppföljningen med ej verkställda "
        "beslut, fastnade PDF-beställningar) en gång, eller i en slinga."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, help="Kör om var N:e sekund (demo utan Celery beat)."
        )

    def handle(self, *args, loop: int, **options):
        app.loader.import_default_modules()
        while True:
            fel = []
            for namn in settings.KVALITET_SVEP:
                # I processen, som beat hade kört det i workern; ett fel i ett svep stoppar inte nästa.
                resultat = app.tasks[namn].apply()
                if resultat.failed():
                    fel.append(namn)
                    self.stderr.write(f"{namn} misslyckades: {resultat.result!r}")
                else:
                    self.stdout.write(f"{namn}: {resultat.result}")
            if not loop:
                if fel:
                    raise CommandError(f"Svep som misslyckades: {', '.join(fel)}")
                return
            time.sleep(loop)
