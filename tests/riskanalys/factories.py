import datetime

import factory

from riskanalys.models import Atgard, Mall, MallRisk, Risk, Riskanalys
from tests.factories import UserFactory


class RiskanalysFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Riskanalys

    titel = factory.Sequence(lambda n: f"Riskanalys {n}")
    forandring = "Dagverksamheten stängs under sommaren."
    datum = factory.LazyFunction(lambda: datetime.date(2026, 3, 1))
    skapad_av = factory.SubFactory(UserFactory)


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Risk

    analys = factory.SubFactory(RiskanalysFactory)
    beskrivning = "Brukare blir utan sysselsättning och isoleras."
    orsak = "Inget ersättande stöd planerat."
    konsekvens = 3
    sannolikhet = 3


class AtgardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Atgard

    risk = factory.SubFactory(RiskFactory)
    text = "Erbjud träffpunkt två dagar i veckan."


class MallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mall

    titel = factory.Sequence(lambda n: f"Mall {n}")
    skapad_av = factory.SubFactory(UserFactory)


class MallRiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MallRisk

    mall = factory.SubFactory(MallFactory)
    beskrivning = "Ny personal känner inte brukarnas rutiner."
    konsekvens = 2
    sannolikhet = 4
    atgarder = "Introduktion med checklista\nDubbelbemanning första veckan"
