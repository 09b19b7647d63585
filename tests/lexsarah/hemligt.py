"""Lex Sarah-ärenden i N2 för genomgången av alla URL:er (tests/sakerhet)."""

from django.core.files.base import ContentFile

from lexsarah.models import Bilaga
from tests.lexsarah.factories import AtgardFactory, RapportFactory


def skapa(org, cast, brukare, markor) -> set[int]:
    r = RapportFactory(
        enhet=org.e4,
        brukare=brukare,
        rapporterad_av=cast.hugo,
        sammanfattning=markor,
        beskrivning=markor,
        forlopp=markor,
        allvarligt=True,
    )
    a = AtgardFactory(rapport=r, text=markor)
    b = Bilaga(rapport=r, filnamn=f"{markor}.pdf", mime="application/pdf", storlek=20, uppladdad_av=cast.hugo)
    b.fil.save("x.pdf", ContentFile(f"%PDF-1.4 {markor}".encode()), save=False)
    b.save()
    return {r.pk, a.pk, b.pk}
