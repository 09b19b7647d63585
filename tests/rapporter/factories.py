"""Fabriker för kvalitetsberättelsen och kvalitetsarbetet (mål, egenkontroll, förbättringsplan)."""

import factory

from kvalitet.models.kvalitetsarbete import (
    Forbattringsatgard,
    Indikatorvarde,
    Kontrollplan,
    Kontrollpunkt,
    Mal,
    Malindikator,
)
from rapporter.models import Kvalitetsberattelse


class MalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mal

    ar = 2024
    rubrik = "Den enskilde ska vara nöjd med sin hemtjänst"


class MalindikatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Malindikator

    mal = factory.SubFactory(MalFactory)
    namn = "Andel som är nöjda med hemtjänsten"
    malvarde = 90


class IndikatorvardeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indikatorvarde

    indikator = factory.SubFactory(MalindikatorFactory)
    ar = 2024
    varde = 88
    kalla = "manuell"


class KontrollplanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kontrollplan

    ar = 2024


class KontrollpunktFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kontrollpunkt

    plan = factory.SubFactory(KontrollplanFactory)
    aktivitet = "Stickprov av genomförandeplaner"
    ansvarig = "Enhetschef"
    nar = "Varje kvartal"
    uppfoljning = "Rapport till ledningsgruppen"
    iakttagelser = "Tre av tio planer saknade uppföljning."


class ForbattringsatgardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Forbattringsatgard

    ar = 2025
    omrade = "Avvikelsehantering"
    atgard = "Utbilda alla enhetschefer i händelseanalys."
    ansvarig = "Kvalitetssamordnare"
    uppfoljning = "Andel utredda avvikelser per kvartal"


class KvalitetsberattelseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kvalitetsberattelse

    ar = 2024
