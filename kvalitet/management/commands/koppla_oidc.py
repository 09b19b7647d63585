from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError

from kvalitet.oidc import oidc_koppla


class Command(BaseCommand):
    help = (
        "Kopplar en användare till hens konto hos kommunens IdP (subjektet, sub, t.ex. Entra ID:s oid/sub). "
        "Krävs för admin- och superanvändarkonton, som aldrig kopplas via e-post."
    )

    def add_arguments(self, parser):
        parser.add_argument("anvandarnamn")
        parser.add_argument("subjekt", help="sub-värdet i id-token")
        parser.add_argument("--utfardare", help="iss (standard: OIDC_OP_ISSUER)")

    def handle(self, *args, anvandarnamn: str, subjekt: str, utfardare: str | None, **options):
        utfardare = utfardare or getattr(settings, "OIDC_OP_ISSUER", "")
        if not utfardare:
            raise CommandError("Ange --utfardare eller sätt OIDC_OP_ISSUER.")
        anvandare = get_user_model().objects.filter(username=anvandarnamn, is_active=True).first()
        if anvandare is None:
            raise CommandError(f"Ingen aktiv användare heter {anvandarnamn}.")
        try:
            oidc_koppla(anvandare=anvandare, utfardare=utfardare, subjekt=subjekt)
        except IntegrityError:
            raise CommandError("Kontot hos IdP:n är redan kopplat till en annan användare.") from None
        self.stdout.write(f"{anvandarnamn} är kopplad till {subjekt} hos {utfardare}.")
