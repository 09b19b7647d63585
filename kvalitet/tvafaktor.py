"""Tvåfaktorinloggning (TOTP, django-otp).

Krävs för rollerna i TVAFAKTOR_ROLLER (kvalitetssamordnare och admin) och för superanvändare när
TVAFAKTOR_KRAVS är på (standard i produktion). Övriga kan slå på den själva; den som har en bekräftad
enhet måste alltid använda den.
"""

import io

from django import forms
from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from kvalitet import access

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


class KodForm(forms.Form):
    kod = forms.CharField(
        label="Sexsiffrig kod från autentiseringsappen",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, enhet, **kwargs):
        super().__init__(*args, **kwargs)
        self.enhet = enhet

    def clean_kod(self):
        kod = self.cleaned_data["kod"].strip()
        if not kod.isdigit() or not self.enhet.verify_token(kod):
            raise forms.ValidationError("Koden stämmer inte. Kontrollera tiden i telefonen och försök igen.")
        return kod


def tvafaktor(request):
    """Verifiera med en bekräftad enhet, eller konfigurera en ny (QR-kod och nyckel)."""
    enhet = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    ny = enhet is None
    if ny:
        enhet = TOTPDevice.objects.filter(
            user=request.user, confirmed=False
        ).first() or TOTPDevice.objects.create(user=request.user, name="Autentiseringsapp", confirmed=False)
    form = KodForm(request.POST or None, enhet=enhet)
    if request.method == "POST" and form.is_valid():
        if ny:
            enhet.confirmed = True
            enhet.save(update_fields=["confirmed"])
        otp_login(request, enhet)
        request.session[SESSIONSNYCKEL] = True
        nasta = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(nasta, allowed_hosts={request.get_host()}):
            nasta = reverse("kvalitet:start")
        return redirect(nasta)
    qr = None
    if ny:
        buffer = io.BytesIO()
        write_qrcode_image(enhet.config_url, buffer)
        # SVG:n genereras här av qrcode-biblioteket, inte av användardata.
        qr = mark_safe(buffer.getvalue().decode().split("?>", 1)[-1])  # noqa: S308  # nosec
    return render(
        request,
        "kvalitet/tvafaktor.html",
        {"form": form, "ny": ny, "qr": qr, "nyckel": _base32(enhet.bin_key) if ny else None},
    )


def _base32(nyckel: bytes) -> str:
    import base64

    text = base64.b32encode(nyckel).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
