"""Tvåfaktorinloggning (TOTP, django-otp).

Krävs för rollerna i TVAFAKTOR_ROLLER (kvalitetssamordnare och admin) och för superanvändare när
TVAFAKTOR_KRAVS är på (standard i produktion). Övriga kan slå på den själva; den som har en bekräftad
enhet måste alltid använda den.

Registreringen av appen kräver en registreringskod som admin gett ut (eller `manage.py tvafaktor_kod`):
den som bara har lösenordet får aldrig se nyckeln. Efter registreringen får användaren reservkoder,
som var och en gäller en gång i stället för appens kod.
"""

import io
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from kvalitet import access, services_inloggning
from kvalitet.models import Registreringskod

SESSIONSNYCKEL = "kv_tvafaktor_kravs"
OPPNA = ("/tvafaktor/", "/logout/", "/static/", "/health/", "/login/")


def kravs_for(user) -> bool:
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return True
    if not settings.TVAFAKTOR_KRAVS:
        return False
    return user.is_superuser or access.har_roll(user, *settings.TVAFAKTOR_ROLLER)


class TvaFaktorMiddleware:
    """Skickar den som behöver tvåfaktor men inte verifierat sig i sessionen till /tvafaktor/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPPNA) and not user.is_verified():
            kravs = request.session.get(SESSIONSNYCKEL)
            if kravs is None:
                kravs = request.session[SESSIONSNYCKEL] = kravs_for(user)
            if kravs:
                if request.path.startswith("/api/"):
                    from django.http import JsonResponse

                    return JsonResponse({"detail": "Tvåfaktorinloggning krävs."}, status=403)
                return redirect(f"{reverse('tvafaktor')}?next={request.get_full_path()}")
        return self.get_response(request)


REGISTRERING = "kv_tvafaktor_registreringskod"
RESERVKODER = "kv_tvafaktor_reservkoder"


class RegistreringskodForm(forms.Form):
    kod = forms.CharField(
        label="Registreringskod från administratören",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.registreringskod = None

    def clean_kod(self):
        kod = self.cleaned_data["kod"]
        self.registreringskod = services_inloggning.registreringskod_hitta(anvandare=self.user, kod=kod)
        if self.registreringskod is None:
            raise forms.ValidationError(
                "Koden stämmer inte, är redan använd eller har gått ut. Be administratören om en ny."
            )
        return kod


class KodForm(forms.Form):
    kod = forms.CharField(
        label="Sexsiffrig kod från autentiseringsappen",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, enheter, **kwargs):
        super().__init__(*args, **kwargs)
        self.enheter = enheter
        self.enhet = None
        if len(enheter) > 1:
            self.fields["kod"].label = "Sexsiffrig kod från autentiseringsappen, eller en reservkod"

    def clean_kod(self):
        kod = "".join(self.cleaned_data["kod"].split()).replace("-", "").lower()
        for enhet in self.enheter:
            if enhet.verify_token(kod):
                self.enhet = enhet
                return kod
        raise forms.ValidationError("Koden stämmer inte. Kontrollera tiden i telefonen och försök igen.")


def _nasta(request) -> str:
    nasta = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(nasta, allowed_hosts={request.get_host()}):
        nasta = reverse("kvalitet:start")
    return nasta


@never_cache
def tvafaktor(request):
    """Verifiera med appen (eller en reservkod); utan bekräftad app: registrera med en registreringskod."""
    enhet = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if enhet is not None:
        reserv = list(StaticDevice.objects.filter(user=request.user, confirmed=True)[:1])
        form = KodForm(request.POST or None, enheter=[enhet, *reserv])
        if request.method == "POST" and form.is_valid():
            otp_login(request, form.enhet)
            request.session[SESSIONSNYCKEL] = True
            return redirect(_nasta(request))
        return render(request, "kvalitet/tvafaktor.html", {"form": form, "ny": False})

    # Registrering: först registreringskoden, sedan (och bara då) nyckeln.
    registreringskod = services_inloggning.registreringskod_hitta(
        anvandare=request.user, pk=request.session.get(REGISTRERING)
    )
    ny = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if registreringskod is None or ny is None:
        form = RegistreringskodForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            services_inloggning.tvafaktor_paborja(anvandare=request.user)
            request.session[REGISTRERING] = form.registreringskod.pk
            return redirect(request.get_full_path())
        return render(request, "kvalitet/tvafaktor.html", {"form": form, "registreringskod": True})

    form = KodForm(request.POST or None, enheter=[ny])
    if request.method == "POST" and form.is_valid():
        try:
            koder = services_inloggning.tvafaktor_registrera(
                anvandare=request.user, enhet=ny, registreringskod=registreringskod
            )
        except Registreringskod.DoesNotExist:
            return redirect(request.get_full_path())
        del request.session[REGISTRERING]
        otp_login(request, ny)
        request.session[SESSIONSNYCKEL] = True
        request.session[RESERVKODER] = koder
        return redirect(f"{reverse('tvafaktor_reservkoder')}?{urlencode({'next': _nasta(request)})}")
    buffer = io.BytesIO()
    write_qrcode_image(ny.config_url, buffer)
    # SVG:n genereras här av qrcode-biblioteket, inte av användardata.
    qr = mark_safe(buffer.getvalue().decode().split("?>", 1)[-1])  # noqa: S308  # nosec
    return render(
        request,
        "kvalitet/tvafaktor.html",
        {"form": form, "ny": True, "qr": qr, "nyckel": _base32(ny.bin_key)},
    )


@never_cache
def reservkoder(request):
    """Visar de nya reservkoderna en gång, direkt efter registreringen (eller när nya skapats)."""
    koder = request.session.pop(RESERVKODER, None)
    if not koder:
        return redirect(_nasta(request))
    return render(request, "kvalitet/tvafaktor_reservkoder.html", {"koder": koder, "nasta": _nasta(request)})


@require_POST
def reservkoder_nya(request):
    """Nya reservkoder (de gamla slutar gälla); bara i en session som verifierats med tvåfaktor."""
    if not request.user.is_verified():
        return redirect(f"{reverse('tvafaktor')}?next={reverse('tvafaktor_reservkoder')}")
    request.session[RESERVKODER] = services_inloggning.reservkoder_skapa(anvandare=request.user)
    return redirect("tvafaktor_reservkoder")


def _base32(nyckel: bytes) -> str:
    import base64

    text = base64.b32encode(nyckel).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
