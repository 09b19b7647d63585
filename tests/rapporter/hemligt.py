"""Kvalitetsarbete och ett utkast till kvalitetsberättelse i N2 för genomgången av alla URL:er.

Publicerade versioner ingår inte: ledningen på kommunnivå får läsa alla nämnders publicerade berättelser
(sammanställningar utan personuppgifter), vilket genomgången annars skulle ta för en läcka."""

from tests.rapporter.factories import (
    ForbattringsatgardFactory,
    IndikatorvardeFactory,
    KontrollpunktFactory,
    KvalitetsberattelseFactory,
    MalindikatorFactory,
)


def skapa(org, cast, brukare, markor) -> set[int]:
    ind = MalindikatorFactory(
        mal__nod=org.n2, mal__rubrik=markor[:300], mal__beskrivning=markor, namn=markor[:300]
    )
    varde = IndikatorvardeFactory(indikator=ind)
    punkt = KontrollpunktFactory(
        plan__nod=org.n2, plan__rubrik=markor[:200], aktivitet=markor[:300], iakttagelser=markor
    )
    forb = ForbattringsatgardFactory(nod=org.n2, omrade=markor[:200], atgard=markor)
    b = KvalitetsberattelseFactory(
        nod=org.n2,
        skapad_av=cast.sofia,
        texter={"sammanfattning": markor, "bakgrund": markor},
        ivo_tillsyn=markor,
    )
    from rapporter.models import SamladAnalys

    analys = SamladAnalys.objects.create(nod=org.n2, ar=b.ar, text=f"<p>{markor}</p>", andrad_av=cast.sofia)
    return {ind.mal.pk, ind.pk, varde.pk, punkt.plan.pk, punkt.pk, forb.pk, b.pk, analys.pk}
