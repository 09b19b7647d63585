from django.core.management.base import BaseCommand

from kvalitet import backup


class Command(BaseCommand):
    help = (
        "Säkerhetskopia av databasen (pg_dump -Fc) och filerna (MEDIA_ROOT, PRIVAT_MEDIA_ROOT) i BACKUP_DIR; "
        "en gång per dag, kopior äldre än BACKUP_DAGAR tas bort."
    )

    def handle(self, *args, **options):
        for fil in backup.sakerhetskopia_skapa():
            self.stdout.write(str(fil))
