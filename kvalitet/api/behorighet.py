"""API:ts behörighetsklass: läsning för inloggade (åtkomstregeln avgör vad), ändring bara av den som får.

DRF frågar samma klass när webbläsarvyn (BrowsableAPIRenderer.show_form_for_method) avgör om den ska visa
ett formulär för POST/PUT/PATCH, och formulären fylls i med postens data. Utan prövningen fick en chef som
bara får läsa en brukare eller insats PUT/PATCH-formulär (och rådataformulär) ändå. Vid ett riktigt anrop
har ScopeMixin redan gett 404 för en post utanför rätten att ändra, så svaren på riktiga PUT/PATCH ändras
inte; ett nytt (POST på listan) av den som aldrig får skapa något där ger 403 med svenskt meddelande.
"""

from __future__ import annotations

from rest_framework import permissions

from kvalitet import access


class FarAndra(permissions.IsAuthenticated):
    message = "Du får inte göra den här ändringen."

    def has_permission(self, request, view) -> bool:
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        if _webblasarvyns_formular(request) and getattr(view, "detail", False):
            # Formuläret för en åtgärd på en post (t.ex. brukare/{id}/overlamna/) på sidan för en GET:
            # bara om posten finns bland dem användaren får ändra. (Ett riktigt anrop ger 404 i vyn.)
            if getattr(view, "action", None) not in ("update", "partial_update"):
                falt = view.lookup_url_kwarg or view.lookup_field
                modell = view.get_queryset().model
                andra = access.scope(request.user, modell, access.ANDRA)
                return andra.filter(pk=view.kwargs.get(falt)).exists()
            return True
        if getattr(view, "detail", None) is False or not hasattr(view, "detail"):
            # Ett nytt: vyn säger om användaren alls får skapa här (annars avgör vyn och formuläret).
            far_skapa = getattr(view, "far_skapa", None)
            if far_skapa is not None and not far_skapa(request.user):
                self.message = getattr(view, "far_inte_skapa", type(self).message)
                return False
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        return access.kan(request.user, obj, access.ANDRA)


def _webblasarvyns_formular(request) -> bool:
    """Frågar webbläsarvyn om ett formulär för en annan metod än den begäran gjordes med? (DRF:s
    override_method klonar begäran med den metoden; den underliggande HTTP-begäran är oförändrad.)"""
    underliggande = getattr(request, "_request", None)
    return underliggande is not None and underliggande.method != request.method
