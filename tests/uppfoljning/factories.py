"""Fabriker för uppfoljning-appen."""

import datetime

import factory

from tests.factories import insatstyp
from uppfoljning.models import Forandring, ForandringTyp, Kontakt, Uppfoljningsarende


class ForandringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forandring

    rubrik = factory.Sequence(lambda n: f"Dagverksamheten stängs {n}")
    typ = ForandringTyp.INSTALLD
    insatstyp = factory.LazyFunction(insatstyp)
    giltig_fran = datetime.date(2026, 3, 1)
    orsak = "Smittspridning; lokalerna används för annat."
    beslutad_av = "Socialnämnden"


def arende(brukare, *, forandring=None, nod=None, **kwargs):
    return Uppfoljningsarende.objects.create(
        brukare=brukare,
        forandring=forandring,
        egen_typ="" if forandring else ForandringTyp.PAUSAD_PA_BEGARAN,
        namnd_id=brukare.namnd_id,
        nod=nod or brukare.namnd,
        handlaggare_id=brukare.handlaggare_id,
        **kwargs,
    )


class KontaktFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kontakt

    datum = datetime.date(2026, 3, 5)
    kanal = "telefon"
    med_vem = "enskild"
    vad_sades = "Samtal om stängningen."
