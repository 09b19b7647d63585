from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kvalitet.services_inloggning import TokenFinnsRedan, api_token_skapa


class Command(BaseCommand):
    help = (
        "Skapar en API-token för en användare och skriver ut nyckeln en gång (den lagras bara som hash). "
        "Återkallas i admin (API-tokens) eller med --ny."
    )

    def add_arguments(self, parser):
        parser.add_argument("anvandarnamn")
        parser.add_argument("--ny", action="store_true", help="Återkalla den gamla token och skapa en ny.")

    def handle(self, *args, anvandarnamn: str, ny: bool, **options):
        anvandare = get_user_model().objects.filter(username=anvandarnamn, is_active=True).first()
        if anvandare is None:
            raise CommandError(f"Ingen aktiv användare heter {anvandarnamn}.")
        try:
            token, nyckel = api_token_skapa(anvandare=anvandare, ersatt=ny)
        except TokenFinnsRedan as fel:
            giltig = (
                f"giltig till {timezone.localtime(fel.token.expiry):%Y-%m-%d}" if fel.token.expiry else ""
            )
            raise CommandError(
                f"{anvandarnamn} har redan en token ({fel.token.token_key}…, {giltig}). Nyckeln lagras bara "
                "som hash och kan inte visas igen; kör med --ny för att återkalla den och skapa en ny."
            ) from None
        if token.expiry:
            self.stderr.write(
                f"Giltig till {timezone.localtime(token.expiry):%Y-%m-%d %H:%M}. Spara nyckeln nu:"
            )
        self.stdout.write(nyckel)
