"""factory_boy-fabriker för kärnan. Appernas fabriker ligger i tests/<app>/factories.py."""

import datetime
import itertools

import factory
from django.contrib.auth import get_user_model

from kvalitet import services
from kvalitet.models import Brukare, Insats, Insatstyp, NodTyp, OrgNod, Rolltilldelning
from kvalitet.personnummer import luhn_kontrollsiffra

_lopnr = itertools.count(100)


def giltigt_personnummer(fodd: datetime.date = datetime.date(1950, 5, 17), kvinna: bool | None = None) -> str:
    """Ett unikt, giltigt (Luhn) personnummer med tolv siffror."""
    while True:
        n = next(_lopnr) % 1000
        if kvinna is None or (n % 10 % 2 == 0) == kvinna:
            break
    lopnr = f"{n:03d}"
    return f"{fodd:%Y%m%d}{lopnr}{luhn_kontrollsiffra(fodd.strftime('%y%m%d') + lopnr)}"


class OrgNodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgNod

    typ = NodTyp.ENHET
    namn = factory.Sequence(lambda n: f"Enhet {n}")
    kod = factory.Sequence(lambda n: f"NOD{n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.orgnod_spara(nod=model_class(*args, **kwargs))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Användare {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@kommun.example")
    password = factory.PostGenerationMethodCall("set_password", "losenord-for-test-123")

    @factory.post_generation
    def spara(self, create, extracted, **kwargs):
        if create:
            self.save()


class RollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rolltilldelning

    anvandare = factory.SubFactory(UserFactory)
    roll = "personal"
    nod = factory.SubFactory(OrgNodFactory)


class BrukareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Brukare

    personnummer = factory.LazyFunction(giltigt_personnummer)
    fornamn = factory.Sequence(lambda n: f"Förnamn{n}")
    efternamn = factory.Sequence(lambda n: f"Efternamn{n}")


def insatstyp(namn: str = "Hemtjänst", lag: str = "SoL") -> Insatstyp:
    # get_or_create: transaktionella tester tömmer tabellerna, också grunddatat från migreringen.
    return Insatstyp.objects.get_or_create(namn=namn, lag=lag)[0]


class InsatsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insats

    brukare = factory.SubFactory(BrukareFactory)
    typ = factory.LazyFunction(insatstyp)
    lag = factory.LazyAttribute(lambda i: i.typ.lag)
    beslutsdatum = datetime.date(2026, 1, 15)
    startdatum = datetime.date(2026, 2, 1)


def aktuell_version(post, falt: str = "version") -> int:
    """Postens sparade version (kvalitet.samtidighet), för tester som anropar tjänsterna direkt."""
    return type(post)._default_manager.filter(pk=post.pk).values_list(falt, flat=True).get()
