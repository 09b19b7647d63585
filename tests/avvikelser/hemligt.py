"""Avvikelser och klagomål i N2 för genomgången av alla URL:er (tests/sakerhet)."""

from django.core.files.base import ContentFile

from avvikelser.models import Bilaga
from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory


def skapa(org, cast, brukare, markor) -> set[int]:
    a = AvvikelseFactory(
        enhet=org.e4, brukare=brukare, rapporterad_av=cast.hugo, beskrivning=markor, slutsats=markor
    )
    k = KlagomalFactory(enhet=org.e4, namn=markor, beskrivning=markor)
    b = Bilaga(
        avvikelse=a, filnamn=f"{markor}.pdf", mime="application/pdf", storlek=20, uppladdad_av=cast.hugo
    )
    b.fil.save("x.pdf", ContentFile(f"%PDF-1.4 {markor}".encode()), save=False)
    b.save()
    return {a.pk, k.pk, b.pk}
