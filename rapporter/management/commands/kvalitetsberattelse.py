"""python manage.py kvalitetsberattelse --namnd ID --ar 2020 --out FIL.pdf

Renderar samma PDF som webben. Siffrorna räknas med en kvalitetssamordnares behörighet för nämnden
(--anvandare, annars den första aktiva kvalitetssamordnaren med roll på noden eller ovanför)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kvalitet.models import OrgNod, Roll
from kvalitet.queries import ansvarig
from rapporter import pdf as rapport_pdf
from rapporter import queries
from rapporter.models import Kvalitetsberattelse


class Command(BaseCommand):
    help = "Renderar kvalitetsberättelsen för en nämnd (eller ett område) och ett år som PDF."

    def add_arguments(self, parser):
        parser.add_argument("--namnd", type=int, required=True, help="Nodens id (nämnd eller område).")
        parser.add_argument("--ar", type=int, required=True)
        parser.add_argument("--out", required=True, help="Fil att skriva PDF:en till.")
        parser.add_argument("--anvandare", help="Användarnamn vars behörighet siffrorna räknas med.")
        parser.add_argument("--pdfa", action="store_true", help="PDF/A-3b för arkivet i stället för PDF/UA.")

    def handle(self, *args, namnd, ar, out, anvandare=None, pdfa=False, **opts):
        try:
            nod = OrgNod.objects.get(pk=namnd)
        except OrgNod.DoesNotExist:
            raise CommandError(f"Ingen nod med id {namnd}.") from None
        User = get_user_model()
        if anvandare:
            user = User.objects.filter(username=anvandare, is_active=True).first()
        else:
            user = ansvarig(nod, Roll.KVALITETSSAMORDNARE)
        if user is None:
            raise CommandError("Hittade ingen kvalitetssamordnare för noden; ange --anvandare.")
        b = Kvalitetsberattelse.objects.filter(nod=nod, ar=ar).first() or Kvalitetsberattelse(
            nod=nod, ar=ar, skapad_av=user
        )  # finns ingen berättelse blir det en PDF utan egna texter, inget sparas
        data = queries.samla(user, nod, ar)
        innehall = rapport_pdf.pdf(b, data, b.texter, variant="pdf/a-3b" if pdfa else "pdf/ua-1")
        Path(out).write_bytes(innehall)
        self.stdout.write(f"Skrev {out} ({len(innehall) // 1024} kB).")
