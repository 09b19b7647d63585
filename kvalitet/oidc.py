"""Inloggning med kommunens konto (OpenID Connect, t.ex. Entra ID) via mozilla-django-oidc.

Slås på när OIDC_RP_CLIENT_ID är satt (se settings.py och README). Grupperna i id-token/userinfo
(`groups`) översätts till rolltilldelningar med OIDC_GRUPPER_ROLLER, t.ex.
{"<grupp-id>": [["kvalitetssamordnare", "N"], ["handlaggare", "N"]]} där "N" är en nodkod.
Rolltilldelningar som mappningen beskriver styrs av IdP:n (läggs till och tas bort vid varje inloggning);
andra, handlagda tilldelningar lämnas orörda.

En användare känns igen på utfärdaren och det stabila subjektet (`iss`, `sub`) i det verifierade id-token,
lagrat i `OidcIdentitet`. E-post används bara för att koppla ett befintligt konto första gången, och bara
om IdP:n intygar adressen (`email_verified`); admin- och superanvändarkonton kopplas aldrig så.
"""

import hashlib
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kvalitet import access
from kvalitet.models import OidcIdentitet, OrgNod, Rolltilldelning

# Tillåten skillnad mellan IdP:ns och appens klockor vid kontrollen av exp.
KLOCKMARGINAL_SEKUNDER = 60


def roller_fran_grupper(grupper, mappning: dict) -> set[tuple[str, str]]:
    """(roll, nodkod) för användarens grupper enligt mappningen; okända grupper och roller ignoreras."""
    resultat = set()
    for grupp in grupper or []:
        for roll, nodkod in mappning.get(grupp, []):
            if roll in access.ALLA_ROLLER:
                resultat.add((roll, nodkod))
    return resultat


@transaction.atomic
def synka_roller(user, grupper, mappning: dict) -> None:
    onskade = roller_fran_grupper(grupper, mappning)
    styrda = {(roll, kod) for par in mappning.values() for roll, kod in par}
    noder = {n.kod: n for n in OrgNod.objects.filter(kod__in={kod for _, kod in styrda})}
    befintliga = {
        (t.roll, t.nod.kod): t for t in Rolltilldelning.objects.filter(anvandare=user).select_related("nod")
    }
    for (roll, kod), tilldelning in befintliga.items():
        if (roll, kod) in styrda and (roll, kod) not in onskade:
            tilldelning._history_user = user
            tilldelning.delete()
    for roll, kod in onskade - set(befintliga):
        if kod in noder:
            Rolltilldelning.objects.create(anvandare=user, roll=roll, nod=noder[kod])
    access.glom_behorighet(user)


def kontrollera_id_token(payload: dict) -> None:
    """Id-token gäller appen, kommer från den konfigurerade utfärdaren och har inte gått ut."""
    if payload.get("iss") != settings.OIDC_OP_ISSUER:
        raise SuspiciousOperation("Id-token från en annan utfärdare.")
    aud = payload.get("aud")
    if settings.OIDC_RP_CLIENT_ID not in (aud if isinstance(aud, list) else [aud]):
        raise SuspiciousOperation("Id-token är inte utfärdat för appen.")
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or exp + KLOCKMARGINAL_SEKUNDER < time.time():
        raise SuspiciousOperation("Id-token har gått ut.")
    if not payload.get("sub"):
        raise SuspiciousOperation("Id-token saknar sub.")


def intygad_epost(claims: dict) -> str:
    """E-postadressen om IdP:n intygar att den tillhör användaren, annars tom."""
    intygad = claims.get("email_verified")
    if intygad is True or (isinstance(intygad, str) and intygad.lower() == "true"):
        return (claims.get("email") or "").strip()
    return ""


@transaction.atomic
def anvandare_for_claims(claims: dict):
    """Användaren för (iss, sub), eller None. Kopplar via intygad e-post eller skapar en ny användare
    bara när inställningarna tillåter det."""
    utfardare, subjekt = claims["iss"], claims["sub"]
    identitet = OidcIdentitet.objects.select_related("anvandare").filter(utfardare=utfardare, subjekt=subjekt)
    if identitet:
        user = identitet[0].anvandare
        return user if user.is_active else None
    User = get_user_model()
    epost = intygad_epost(claims)
    if settings.OIDC_KOPPLA_VIA_EPOST and epost:
        kandidater = list(
            User.objects.filter(email__iexact=epost, is_active=True, oidc_identitet__isnull=True)[:2]
        )
        if kandidater:
            if len(kandidater) == 1 and not (kandidater[0].is_staff or kandidater[0].is_superuser):
                return oidc_koppla(anvandare=kandidater[0], utfardare=utfardare, subjekt=subjekt)
            return None  # tvetydigt eller ett adminkonto: kopplas för hand (manage.py koppla_oidc)
    if settings.OIDC_SKAPA_ANVANDARE:
        namn = "oidc-" + hashlib.sha256(f"{utfardare} {subjekt}".encode()).hexdigest()[:24]
        return oidc_koppla(
            anvandare=User.objects.create_user(namn, email=epost), utfardare=utfardare, subjekt=subjekt
        )
    return None


def oidc_koppla(*, anvandare, utfardare: str, subjekt: str):
    """Kopplar användaren till kontot (iss, sub) hos IdP:n; en tidigare koppling ersätts."""
    OidcIdentitet.objects.update_or_create(
        anvandare=anvandare, defaults={"utfardare": utfardare, "subjekt": subjekt}
    )
    return anvandare


class KvalitetOIDCBackend(OIDCAuthenticationBackend):
    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        kontrollera_id_token(payload)
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        info = super().get_userinfo(access_token, id_token, payload)
        if info.get("sub") != payload["sub"]:
            # OIDC Core 5.3.2: userinfo måste gälla samma subjekt som id-token.
            raise SuspiciousOperation("Userinfo gäller ett annat subjekt än id-token.")
        # Utfärdaren och inloggningssättet (amr) tas ur det verifierade id-token.
        return {**info, "iss": payload["iss"], "amr": payload.get("amr") or info.get("amr") or []}

    def verify_claims(self, claims):
        return bool(claims.get("sub") and claims.get("iss"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims saknar sub.")
        user = anvandare_for_claims(claims)
        return self._synka(user, claims) if user is not None else None

    def _synka(self, user, claims):
        user.first_name = (claims.get("given_name") or user.first_name)[:150]
        user.last_name = (claims.get("family_name") or user.last_name)[:150]
        user.email = intygad_epost(claims) or user.email
        user.save()
        synka_roller(user, claims.get("groups", []), settings.OIDC_GRUPPER_ROLLER)
        if self.request is not None and "mfa" in (claims.get("amr") or []):
            # IdP:n har redan gjort flerfaktorinloggning; TOTP behövs inte ovanpå.
            from kvalitet.tvafaktor import SESSIONSNYCKEL

            self.request.session[SESSIONSNYCKEL] = False
        return user
