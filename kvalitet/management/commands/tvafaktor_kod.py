from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kvalitet.services_inloggning import registreringskod_skapa


class Command(BaseCommand):
    help = (
        "Skapar en registreringskod för tvåfaktor (för den första administratören; annars ger admin ut "
        "koden i Django-admin). Koden skrivs ut en gång och lagras bara som hash."
    )

    def add_arguments(self, parser):
        parser.add_argument("anvandarnamn")

    def handle(self, *args, anvandarnamn: str, **options):
        anvandare = get_user_model().objects.filter(username=anvandarnamn, is_active=True).first()
        if anvandare is None:
            raise CommandError(f"Ingen aktiv användare heter {anvandarnamn}.")
        post, kod = registreringskod_skapa(anvandare=anvandare)
        self.stderr.write(f"Gäller en gång, till {timezone.localtime(post.giltig_till):%Y-%m-%d %H:%M}:")
        self.stdout.write(kod)
