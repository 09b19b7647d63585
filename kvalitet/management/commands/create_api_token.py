from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token


class Command(BaseCommand):
    help = "Skapar (eller visar) API-token för en användare. Återkallas i admin (Token) eller med --ny."

    def add_arguments(self, parser):
        parser.add_argument("anvandarnamn")
        parser.add_argument("--ny", action="store_true", help="Återkalla den gamla token och skapa en ny.")

    def handle(self, *args, anvandarnamn: str, ny: bool, **options):
        anvandare = get_user_model().objects.filter(username=anvandarnamn, is_active=True).first()
        if anvandare is None:
            raise CommandError(f"Ingen aktiv användare heter {anvandarnamn}.")
        if ny:
            Token.objects.filter(user=anvandare).delete()
        token, _ = Token.objects.get_or_create(user=anvandare)
        self.stdout.write(token.key)
