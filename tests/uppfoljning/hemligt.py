"""Uppföljningens poster i N2 för genomgången av alla URL:er (tests/sakerhet)."""

import datetime

from kvalitet.models import Insats
from tests.factories import InsatsFactory
from tests.uppfoljning.factories import ForandringFactory, KontaktFactory, arende
from uppfoljning.models import EjVerkstalltBeslut, Individrapport


def skapa(org, cast, brukare, markor) -> set[int]:
    f = ForandringFactory(nod=org.n2, rubrik=markor[:200], orsak=markor, skapad_av=cast.hugo)
    f.enheter.set([org.e4])
    a = arende(brukare, forandring=f, nod=org.e4, behov=markor, atgarder=markor)
    k = KontaktFactory(arende=a, gjord_av=cast.hugo, vad_sades=markor, enskildes_syn=markor)
    insats = InsatsFactory(
        brukare=brukare, enhet=org.e4, beslutsdatum=datetime.date(2025, 1, 10), startdatum=None
    )
    assert isinstance(insats, Insats)
    b = EjVerkstalltBeslut.objects.create(
        insats=insats,
        fran=insats.beslutsdatum,
        brukare=brukare,
        namnd=org.n2,
        lag=insats.lag,
        pseudonym="19500517-A123",
        orsak=markor,
        under_vantan=markor,
    )
    r = Individrapport.objects.create(
        beslut=b, ar=2025, kvartal=2, data={"pseudonym": b.pseudonym, "orsak": markor, "under_vantan": markor}
    )
    return {f.pk, a.pk, k.pk, b.pk, r.pk}
