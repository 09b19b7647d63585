from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kvalitet.importer import importera_organisation


class Command(BaseCommand):
    help = "Importerar organisationsträdet från CSV (kod;namn;typ;forelder_kod;antal_platser;aktiv)."

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera filen och visa fel; skriv inget."
        )

    def handle(self, *args, fil: Path, dry_run: bool, **options):
        try:
            text = fil.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as fel:
            raise CommandError(f"Kan inte läsa {fil}: {fel}") from fel
        resultat = importera_organisation(text, torrkorning=dry_run)
        for fel in resultat.fel:
            self.stderr.write(str(fel))
        if dry_run:
            self.stdout.write(f"Torrkörning: {len(resultat.fel)} fel. Inget skrevs.")
        else:
            self.stdout.write(
                f"Skapade {resultat.skapade}, ändrade {resultat.andrade}, oförändrade {resultat.oforandrade}, "
                f"fel {len(resultat.fel)}."
            )
        if resultat.fel:
            raise CommandError("Filen innehöll fel (se ovan).", returncode=2)
