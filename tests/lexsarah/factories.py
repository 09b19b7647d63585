"""Fabriker för lexsarah-appen."""

import datetime

import factory
from django.utils import timezone

from lexsarah.models import Atgard, Rapport


class RapportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rapport

    referensnummer = factory.Sequence(lambda n: f"LS-T-{n:06d}")
    handelsetid = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=5))
    upptackt = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=3))
    sammanfattning = "Utebliven tillsyn nattetid"
    beskrivning = "Den enskilde fick ingen tillsyn under natten."


class AtgardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Atgard

    text = "Ny rutin för nattillsyn"
