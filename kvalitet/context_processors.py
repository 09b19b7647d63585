from django.conf import settings

from kvalitet import access


def navigering(request):
    """Rollerna styr menyn; själva åtkomsten avgörs ändå i varje vy via kvalitet.access."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"kommun_namn": settings.KOMMUN_NAMN, "oidc_aktiv": settings.OIDC_AKTIV}
    beh = access.behorighet(user)
    return {
        "kommun_namn": settings.KOMMUN_NAMN,
        "mina_roller": beh.roller,
        "olasta_notiser": user.notifikationer.filter(last__isnull=True).count(),
    }
