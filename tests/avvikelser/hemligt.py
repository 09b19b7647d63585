"""Avvikelser och klagomål i N2 för genomgången av alla URL:er (tests/sakerhet)."""

from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory


def skapa(org, cast, brukare, markor) -> set[int]:
    a = AvvikelseFactory(
        enhet=org.e4, brukare=brukare, rapporterad_av=cast.hugo, beskrivning=markor, slutsats=markor
    )
    k = KlagomalFactory(enhet=org.e4, namn=markor, beskrivning=markor)
    return {a.pk, k.pk}
