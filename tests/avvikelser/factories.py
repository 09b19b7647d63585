"""Fabriker för avvikelser-appen."""

import datetime

import factory
from django.utils import timezone

from avvikelser.models import Avvikelse, Kategori, Klagomal, Orsak


class KategoriFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kategori
        django_get_or_create = ("namn",)

    namn = factory.Sequence(lambda n: f"Kategori {n}")


class OrsakFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Orsak
        django_get_or_create = ("namn",)

    namn = factory.Sequence(lambda n: f"Orsak {n}")


class AvvikelseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Avvikelse

    referensnummer = factory.Sequence(lambda n: f"T-{n:06d}")
    handelsetid = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2))
    lag = "SoL"
    kategori = factory.SubFactory(KategoriFactory, namn="Omsorg")
    beskrivning = "Besöket blev inte av."


class KlagomalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Klagomal

    referensnummer = factory.Sequence(lambda n: f"K-{n:06d}")
    beskrivning = "Maten var kall."
