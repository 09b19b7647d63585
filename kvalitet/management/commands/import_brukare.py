from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kvalitet.import_brukare import importera_brukare


class Command(BaseCommand):
    help = "Importerar brukare från verksamhetssystemet (CSV, nyckel externt_id). Kolumnerna står i README."

    def add_arguments(self, parser):
        parser.add_argument("fil", type=Path)
        parser.add_argument(
            "--dry-run", action="store_true", help="Kontrollera filen och visa fel; skriv inget."
        )
        parser.add_argument("--strict", action="store_true", help="Skriv ingenting om någon rad är fel.")

    def handle(self, *args, fil: Path, dry_run: bool, strict: bool, **options):
        try:
            text = fil.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as fel:
            raise CommandError(f"Kan inte läsa {fil}: {fel}") from fel
        resultat = importera_brukare(text, torrkorning=dry_run, strikt=strict)
        for fel in resultat.fel:
            self.stderr.write(str(fel))
        if dry_run or (strict and resultat.fel):
            self.stdout.write(
                f"{'Torrkörning' if dry_run else 'Strikt'}: {len(resultat.fel)} fel. Inget skrevs."
            )
        else:
            self.stdout.write(
                f"Skapade {resultat.skapade}, ändrade {resultat.andrade}, oförändrade {resultat.oforandrade}, "
                f"fel {len(resultat.fel)}."
            )
        if resultat.fel:
            raise CommandError("Filen innehöll fel (se ovan).", returncode=2)
