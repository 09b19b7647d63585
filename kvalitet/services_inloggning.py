"""Skrivningar kring inloggning: API-token, registreringskoder för tvåfaktor och reservkoder.

Ingen hemlighet lagras läsbart: en API-nyckel och en registreringskod sparas bara som hash och visas en
gång, för den som skapar dem.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from kvalitet.models import Registreringskod

# Utan tecken som förväxlas (0/O, 1/I/L); tolv tecken ger omkring 58 bitar.
_KODTECKEN = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class TokenFinnsRedan(Exception):
    """Användaren har redan en giltig token; dess nyckel kan inte visas igen."""

    def __init__(self, token: AuthToken):
        super().__init__(token.token_key)
        self.token = token


def giltiga_tokens(anvandare):
    from django.db.models import Q
    from django.utils import timezone

    return AuthToken.objects.filter(user=anvandare).filter(
        Q(expiry__isnull=True) | Q(expiry__gt=timezone.now())
    )


@transaction.atomic
def api_token_skapa(*, anvandare, ersatt: bool = False) -> tuple[AuthToken, str]:
    """Skapar en token och returnerar (token, nyckel); nyckeln finns bara i svaret, aldrig i databasen.

    Har användaren redan en giltig token krävs `ersatt=True`, som återkallar alla gamla först.
    """
    if ersatt:
        AuthToken.objects.filter(user=anvandare).delete()
    else:
        befintlig = giltiga_tokens(anvandare).order_by("-created").first()
        if befintlig is not None:
            raise TokenFinnsRedan(befintlig)
    return AuthToken.objects.create(user=anvandare)


def _normalisera(kod: str) -> str:
    return "".join(kod.split()).replace("-", "").upper()


def _kodhash(kod: str) -> str:
    return hashlib.sha256(_normalisera(kod).encode()).hexdigest()


@transaction.atomic
def registreringskod_skapa(*, anvandare, av=None) -> tuple[Registreringskod, str]:
    """Ny registreringskod för tvåfaktor; tidigare oanvända koder för användaren slutar gälla.
    Returnerar (post, kod); koden finns bara i svaret."""
    nu = timezone.now()
    Registreringskod.objects.filter(anvandare=anvandare, anvand__isnull=True, giltig_till__gt=nu).update(
        giltig_till=nu
    )
    tecken = "".join(secrets.choice(_KODTECKEN) for _ in range(12))
    kod = "-".join(tecken[i : i + 4] for i in range(0, 12, 4))
    post = Registreringskod.objects.create(
        anvandare=anvandare,
        kod_hash=_kodhash(kod),
        skapad_av=av,
        giltig_till=nu + datetime.timedelta(hours=settings.TVAFAKTOR_REGISTRERINGSKOD_TIMMAR),
    )
    return post, kod


def registreringskod_hitta(*, anvandare, kod: str | None = None, pk: int | None = None):
    """Användarens giltiga, oanvända kod (efter texten eller id), annars None."""
    qs = Registreringskod.objects.filter(
        anvandare=anvandare, anvand__isnull=True, giltig_till__gt=timezone.now()
    )
    if kod is not None:
        return qs.filter(kod_hash=_kodhash(kod)).first()
    return qs.filter(pk=pk).first() if pk is not None else None


@transaction.atomic
def tvafaktor_paborja(*, anvandare) -> TOTPDevice:
    """En ny, obekräftad TOTP-enhet; nycklar som visats tidigare slutar gälla."""
    TOTPDevice.objects.filter(user=anvandare, confirmed=False).delete()
    return TOTPDevice.objects.create(user=anvandare, name="Autentiseringsapp", confirmed=False)


@transaction.atomic
def tvafaktor_registrera(*, anvandare, enhet: TOTPDevice, registreringskod: Registreringskod) -> list[str]:
    """Bekräftar enheten och förbrukar registreringskoden; returnerar nya reservkoder (visas en gång).

    Koden låses, så att två samtidiga registreringar med samma kod inte båda går igenom."""
    kod = Registreringskod.objects.select_for_update().get(pk=registreringskod.pk)
    if kod.anvand is not None or kod.giltig_till <= timezone.now() or kod.anvandare_id != anvandare.pk:
        raise Registreringskod.DoesNotExist
    kod.anvand = timezone.now()
    kod.save(update_fields=["anvand"])
    enhet.confirmed = True
    enhet.save(update_fields=["confirmed"])
    return reservkoder_skapa(anvandare=anvandare)


@transaction.atomic
def reservkoder_skapa(*, anvandare) -> list[str]:
    """Ersätter användarens reservkoder med nya. En reservkod gäller en gång, i stället för appens kod."""
    StaticDevice.objects.filter(user=anvandare).delete()
    enhet = StaticDevice.objects.create(user=anvandare, name="Reservkoder", confirmed=True)
    koder = [StaticToken.random_token() for _ in range(settings.TVAFAKTOR_RESERVKODER)]
    StaticToken.objects.bulk_create(StaticToken(device=enhet, token=k) for k in koder)
    return koder
