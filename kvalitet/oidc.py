"""Inloggning med kommunens konto (OpenID Connect, t.ex. Entra ID) via mozilla-django-oidc.

Slås på när OIDC_RP_CLIENT_ID är satt (se settings.py och README). Grupperna i id-token/userinfo
(`groups`) översätts till rolltilldelningar med OIDC_GRUPPER_ROLLER, t.ex.
{"<grupp-id>": [["kvalitetssamordnare", "N"], ["handlaggare", "N"]]} där "N" är en nodkod.
Rolltilldelningar som mappningen beskriver styrs av IdP:n (läggs till och tas bort vid varje inloggning);
andra, handlagda tilldelningar lämnas orörda.
"""

from django.conf import settings
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from kvalitet import access
from kvalitet.models import OrgNod, Rolltilldelning


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


class KvalitetOIDCBackend(OIDCAuthenticationBackend):
    def _synka(self, user, claims):
        user.first_name = claims.get("given_name", user.first_name)[:150]
        user.last_name = claims.get("family_name", user.last_name)[:150]
        user.email = claims.get("email", user.email)
        user.save()
        synka_roller(user, claims.get("groups", []), settings.OIDC_GRUPPER_ROLLER)
        if self.request is not None and "mfa" in (claims.get("amr") or []):
            # IdP:n har redan gjort flerfaktorinloggning; TOTP behövs inte ovanpå.
            from kvalitet.tvafaktor import SESSIONSNYCKEL

            self.request.session[SESSIONSNYCKEL] = False
        return user

    def create_user(self, claims):
        return self._synka(super().create_user(claims), claims)

    def update_user(self, user, claims):
        return self._synka(user, claims)
