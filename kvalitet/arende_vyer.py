"""Ärendekitets vyhjälp: en POST-åtgärd på ett ärendes sida (avvikelse, klagomål, lex Sarah), skriven en gång.

Skelettet är alltid detsamma: vyn har redan hämtat ärendet genom `kvalitet.access` (med den åtgärd den
kräver) och bundit formuläret; här valideras det, tjänsten anropas och svaret blir ett av två:

- **lyckades**: ett meddelande (`messages.success`) och en omdirigering till ärendets sida;
- **nej** (ogiltigt formulär, `ValidationError` från tjänsten, `Krock` från versionslåset): ärendets sida
  igen med status 400, formuläret med det användaren skrev och *ett* svenskt meddelande `fel` (sidan visar
  det överst, `kvalitet/_fel.html`). Ingenting skrivet går förlorat.

Efter en krock räknar formuläret med den sparade versionen (`efter_krock`), så att nästa tryck sparar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect

from kvalitet.samtidighet import Krock

OGILTIGT = "Kontrollera uppgifterna i formuläret."


def fel_text(fel: ValidationError) -> str:
    """Tjänstens meddelanden som en rad (samma för varje app)."""
    return " ".join(fel.messages)


def utfor(
    request,
    form,
    *,
    spara: Callable[[dict], Any],
    visa: Callable[..., HttpResponse],
    klart: str,
    till,
    ogiltigt: str = OGILTIGT,
    vid_krock: Callable[..., HttpResponse] | None = None,
) -> HttpResponse:
    """Validerar `form`, anropar `spara(form.cleaned_data)` och svarar.

    `visa(form, fel)` ritar ärendets sida igen (status 400) med det inskickade formuläret och meddelandet;
    `vid_krock(form, fel)` gör detsamma efter en krock om sidan då visar mer (det som är sparat nu).
    `klart` är meddelandet efter en lyckad ändring (tomt: inget meddelande). `till` är det `redirect` får (en post med `get_absolute_url` eller en adress), eller en tupel
    (URL-namn, argument...)."""
    if not form.is_valid():
        return visa(form, ogiltigt)
    try:
        spara(form.cleaned_data)
    except Krock as krock:
        form.efter_krock(krock, som_fel=False)
        return (vid_krock or visa)(form, fel_text(krock))
    except ValidationError as fel:
        return visa(form, fel_text(fel))
    if klart:
        messages.success(request, klart)
    return redirect(*till) if isinstance(till, tuple) else redirect(till)


def bilaga_lagg_till(request, *, form, spara: Callable, visa: Callable[..., HttpResponse], till):
    """Uppladdningen av en bilaga, samma i varje app: `spara(fil=...)` är appens tjänst (som låser ärendet,
    kontrollerar att det är öppet och skriver tidslinjen)."""
    return utfor(
        request,
        form,
        spara=lambda data: spara(fil=data["fil"]),
        visa=visa,
        klart="Bilagan är sparad.",
        till=till,
        ogiltigt="Bilagan kunde inte sparas.",
    )


UPPFOLJNING = ("genomford", "effekt_bedomning", "effekt", "struken")


def atgard_folj_upp(
    request, *, hamta_atgard: Callable, tjanst: Callable, visa: Callable[..., HttpResponse], till
):
    """Uppföljningen av en åtgärd (`kvalitet.forms.AtgardUppfoljningForm`), samma i varje app:
    `hamta_atgard(pk)` hämtar åtgärden genom `kvalitet.access` (inom ärendet), `tjanst` är appens
    `..._folj_upp(atgard=, av=, version=, genomford=, effekt_bedomning=, effekt=, struken=)`."""
    from kvalitet.forms import AtgardUppfoljningForm

    def spara(data):
        atgard = hamta_atgard(data["atgard"])
        tjanst(atgard=atgard, av=request.user, version=data["version"], **{f: data[f] for f in UPPFOLJNING})

    return utfor(
        request,
        AtgardUppfoljningForm(request.POST, auto_id="id_inskickad_%s"),
        spara=spara,
        visa=visa,
        klart="Åtgärden är uppföljd.",
        till=till,
        ogiltigt="Kontrollera uppgifterna för åtgärden.",
    )


def los_uppfoljning(atgarder, inskickad):
    """Det inskickade uppföljningsformuläret om det inte hör till någon åtgärd på sidan (en okänd eller
    manipulerad åtgärd): sidan visar det för sig, så att det som skrevs inte går förlorat."""
    if inskickad is None or any(getattr(at, "uppfoljning_form", None) is inskickad for at in atgarder):
        return None
    return inskickad


def med_uppfoljning(atgarder, inskickad=None, *, far=lambda atgard: True) -> list:
    """Sätter `uppfoljning_form` på varje åtgärd som får följas upp (`far`): det inskickade formuläret (med
    fel och det som skrevs) vid sin åtgärd, ett nytt vid de övriga, None där ingen uppföljning ska visas."""
    from kvalitet.forms import AtgardUppfoljningForm

    vald = str(inskickad.data.get("atgard", "")).strip() if inskickad is not None else None
    atgarder = list(atgarder)
    for at in atgarder:
        if not far(at):
            at.uppfoljning_form = None
        elif vald is not None and vald == str(at.pk):
            at.uppfoljning_form = inskickad
        else:
            at.uppfoljning_form = AtgardUppfoljningForm(atgard=at)
    return atgarder


def atgard_lagg_till(
    request, *, form, ny: Callable, tjanst: Callable, visa: Callable[..., HttpResponse], till
):
    """En ny åtgärd (text, ansvarig, klar senast) på ärendet: `ny(data)` bygger den osparade åtgärden,
    `tjanst(atgard=, av=)` är appens tjänst (låser ärendet, kontrollerar att det är öppet, skriver tidslinjen)."""
    return utfor(
        request,
        form,
        spara=lambda data: tjanst(atgard=ny(data), av=request.user),
        visa=visa,
        klart="Åtgärden är tillagd.",
        till=till,
    )
