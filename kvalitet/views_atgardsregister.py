"""Åtgärdsregistret: en sida för alla modulers åtgärder, med filter och Excel (kvalitet.atgardsregister)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from kvalitet import access, atgardsregister, export
from kvalitet.audit import logga_visning
from kvalitet.forms import AtgardsregisterForm

SIDSTORLEK = 50
EXCEL_RUBRIKER = [
    "Modul",
    "Referens",
    "Källpost",
    "Åtgärd",
    "Enhet/nod",
    "Ansvarig",
    "Klar senast",
    "Genomförd",
    "Effekt",
    "Status",
]


def _brukare(rader) -> list[int]:
    return [b for r in rader for b in r.brukare_ids]


@access.sida(atgardsregister.SIDA)
def atgardsregister_lista(request):
    """Registret med filter; `?format=xlsx` ger samma urval som Excel."""
    form = AtgardsregisterForm(request.GET or None, user=request.user)
    filter_ = form.filter() if request.GET else atgardsregister.Filter()
    rader = atgardsregister.register(request.user, filter_)
    if request.GET.get("format") == "xlsx":
        # Åtgärdstexten kan gälla en enskild: exporten loggas för varje enskild raderna gäller.
        logga_visning(request, _brukare(rader), "åtgärdsregistret: export till Excel")
        return export.excel_bok(
            request,
            f"atgardsregister-{timezone.localdate():%Y-%m-%d}.xlsx",
            [("Åtgärdsregister", EXCEL_RUBRIKER, [_excelrad(r) for r in rader])],
            vad="åtgärdsregistret",
        )
    sida = Paginator(rader, SIDSTORLEK).get_page(request.GET.get("sida"))
    logga_visning(request, _brukare(sida.object_list), "åtgärdsregistret")
    return render(
        request,
        "kvalitet/atgardsregister.html",
        {"form": form, "sida": sida, "antal": len(rader), "forsenade": sum(r.forsenad for r in rader)},
    )


def _excelrad(r: atgardsregister.Atgardsrad) -> list:
    return [
        r.kalla_namn,
        r.referens,
        r.rubrik,
        r.text,
        r.nod_namn,
        r.ansvarig_namn,
        r.klar_senast,
        r.genomford,
        r.effekt,
        r.status.etikett,
    ]
