"""Tunna vyer: hämta inom scope, validera formuläret, anropa en tjänst, rendera."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kvalitet import access, export
from kvalitet.samtidighet import Krock
from rapporter import pdf as rapport_pdf
from rapporter import queries, samlad, services
from rapporter.forms import (
    ExternaForm,
    JamforForm,
    SamladAnalysForm,
    SamladAnalysTextForm,
    SkapaForm,
    TextForm,
)
from rapporter.models import AVSNITT_NAMN, Kvalitetsberattelse, PubliceradVersion, fil_finns


def index(request):
    return render(
        request,
        "rapporter/index.html",
        {
            "berattelser": queries.berattelser(request.user),
            "form": SkapaForm(user=request.user) if queries.noder_att_valja(request.user).exists() else None,
        },
    )


@require_POST
def skapa(request):
    form = SkapaForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            b = services.berattelse_skapa(
                nod=form.cleaned_data["nod"], ar=form.cleaned_data["ar"], av=request.user
            )
        except ValidationError as fel:
            form.add_error(None, fel)
        else:
            return redirect("rapporter:detalj", b.pk)
    return render(
        request,
        "rapporter/index.html",
        {"berattelser": queries.berattelser(request.user), "form": form},
        status=400,
    )


def detalj(request, pk):
    """Förhandsgranskning med dagens siffror för den som skriver berättelsen; andra ser de publicerade."""
    b = access.hamta(request.user, Kvalitetsberattelse.objects.select_related("nod"), pk=pk)
    kan_andra = access.kan(request.user, b, access.ANDRA)
    ctx = {"b": b, "kan_andra": kan_andra, "versioner": queries.versioner(request.user, b)}
    if kan_andra:
        data = queries.samla(request.user, b.nod, b.ar)
        ctx.update(rapport_pdf.kontext(b, data, b.texter))
        ctx["redigera"] = True
    return render(request, "rapporter/detalj.html", ctx)


def text(request, pk, avsnitt):
    b = access.hamta(request.user, Kvalitetsberattelse, access.ANDRA, pk=pk)
    if avsnitt not in AVSNITT_NAMN:
        raise Http404
    formklass = ExternaForm if avsnitt == "externa" else TextForm
    initial = {"text": b.texter.get(avsnitt, ""), "ivo_tillsyn": b.ivo_tillsyn}
    form = formklass(request.POST or None, initial=initial, version=b.version)
    sparat = None
    if request.method == "POST" and form.is_valid():
        try:
            services.berattelse_spara_text(
                berattelse=b,
                avsnitt=avsnitt,
                text=form.cleaned_data["text"],
                av=request.user,
                version=form.cleaned_data["version"],
                ivo_tillsyn=form.cleaned_data["ivo_tillsyn"] if avsnitt == "externa" else None,
            )
        except Krock as krock:
            # Ingenting sparades: det inskrivna står kvar, med det sparade bredvid.
            form.efter_krock(krock)
            b.refresh_from_db()
            sparat = [("Text", b.texter.get(avsnitt, ""))]
            if avsnitt == "externa":
                sparat.append(("IVO:s tillsyn", b.ivo_tillsyn))
        else:
            messages.success(request, "Texten är sparad.")
            return redirect(f"{b.get_absolute_url()}#avsnitt-{avsnitt}")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "rapporter/text.html",
        {"b": b, "form": form, "rubrik": AVSNITT_NAMN[avsnitt], "sparat_nu": sparat},
        status=status,
    )


@require_POST
def pdf_bestall(request, pk):
    b = access.hamta(request.user, Kvalitetsberattelse, access.ANDRA, pk=pk)
    services.pdf_bestall(berattelse=b, av=request.user)
    if request.htmx:
        return render(request, "rapporter/_pdfstatus.html", {"b": b})
    return redirect("rapporter:detalj", b.pk)


def pdf_status(request, pk):
    b = access.hamta(request.user, Kvalitetsberattelse, access.ANDRA, pk=pk)
    return render(request, "rapporter/_pdfstatus.html", {"b": b})


def pdf_hamta(request, pk):
    b = access.hamta(request.user, Kvalitetsberattelse, access.ANDRA, pk=pk)
    if not b.pdf:
        raise Http404
    if not fil_finns(b.pdf):
        messages.error(request, "PDF-filen finns inte längre på servern. Skapa PDF:en igen.")
        return redirect("rapporter:detalj", b.pk)
    return FileResponse(
        b.pdf.open("rb"), content_type="application/pdf", filename=f"kvalitetsberattelse-{b.ar}-utkast.pdf"
    )


@require_POST
def publicera(request, pk):
    b = access.hamta(request.user, Kvalitetsberattelse, access.ANDRA, pk=pk)
    if services.pdf_bestall(berattelse=b, av=request.user, publicera=True):
        messages.success(request, "Publiceringen har startat; versionen visas här när PDF:en är klar.")
    else:
        messages.warning(request, "En PDF skapas redan. Försök igen när den är klar.")
    if request.htmx:
        return render(request, "rapporter/_pdfstatus.html", {"b": b})
    return redirect("rapporter:detalj", b.pk)


def _version(request, pk, nummer) -> PubliceradVersion:
    return access.hamta(
        request.user,
        PubliceradVersion.objects.select_related("berattelse__nod"),
        berattelse_id=pk,
        nummer=nummer,
    )


def version(request, pk, nummer):
    """En publicerad version som HTML, ur de frysta siffrorna (inte dagens register)."""
    v = _version(request, pk, nummer)
    ctx = rapport_pdf.kontext(v.berattelse, v.siffror, v.texter, version=v)
    ctx.update({"v": v})
    return render(request, "rapporter/version.html", ctx)


def version_pdf(request, pk, nummer):
    v = _version(request, pk, nummer)
    if not fil_finns(v.pdf):
        messages.error(
            request,
            "Den publicerade PDF-filen finns inte längre på servern. Versionen visas här ur de sparade "
            "siffrorna; systemförvaltningen återställer filen ur säkerhetskopian.",
        )
        return redirect("rapporter:version", v.berattelse_id, v.nummer)
    return FileResponse(
        v.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"kvalitetsberattelse-{v.berattelse.ar}-v{v.nummer}.pdf",
    )


def jamfor(request, pk):
    b = access.hamta(request.user, Kvalitetsberattelse, pk=pk)
    form = JamforForm(request.GET or None)
    rader, a, b_ = None, None, None
    if form.is_valid():
        a = _version(request, pk, form.cleaned_data["a"])
        b_ = _version(request, pk, form.cleaned_data["b"])
        rader = services.jamfor(a.siffror, b_.siffror) + services.jamfor(a.texter, b_.texter, "text")
    return render(
        request,
        "rapporter/jamfor.html",
        {
            "b": b,
            "form": form,
            "rader": rader,
            "va": a,
            "vb": b_,
            "versioner": queries.versioner(request.user, b),
        },
    )


# --- samlad analys -------------------------------------------------------------------------------


TEXT_ID = "analys_%s"  # textformulärets id:n skiljer sig från urvalets (id_nod, id_ar)


def _samlad_kontext(request, noder, bara_text, urval, *, textform=None, sparat=None) -> dict:
    """Sidans innehåll för urvalet (GET-parametrarna); ogiltigt urval: felen vid fälten och standardvalet."""
    idag = timezone.localdate()
    standard = {"nod": noder[0], "ar": idag.year, "fran": None, "till": None}
    data = urval.copy()
    data.setdefault("nod", str(noder[0].pk))
    data.setdefault("ar", str(idag.year))
    form = SamladAnalysForm(data, noder=noder)
    giltig = form.is_valid()
    valt = {**standard, **form.cleaned_data} if giltig else standard
    nod, ar = valt["nod"], valt["ar"]
    fran = valt["fran"] or datetime.date(ar, 1, 1)
    till = valt["till"] or datetime.date(ar, 12, 31)
    analys = samlad.analys(request.user, nod, ar)
    kan_skriva = access.far_skriva_samlad_analys(request.user, nod)
    if textform is None and kan_skriva:
        textform = SamladAnalysTextForm(
            auto_id=TEXT_ID,
            initial={"text": analys.text if analys else "", "nod": nod.pk, "ar": ar},
            version=analys.version if analys else 0,
        )
    d = None if bara_text else samlad.sammanstall(request.user, nod, fran, till)
    return {
        "form": form,
        "noder": noder,
        "nod": nod,
        "ar": ar,
        "fran": fran,
        "till": till,
        "d": d,
        "diagram": samlad.diagram(d),
        "lankar": samlad.lankar(request.user, nod),
        "analys": analys,
        "textform": textform if kan_skriva else None,
        "sparat_nu": sparat,
        "bara_text": bara_text,
        "giltig": giltig,
    }


def samlad_analys(request):
    """Samlad analys för vald nod och period (bara antal, inom användarens scope) och samordnarens text."""
    noder, bara_text = samlad.noder(request.user)
    if not noder:
        return render(request, "403.html", status=403)
    ctx = _samlad_kontext(request, noder, bara_text, request.GET)
    if request.GET.get("format") == "xlsx" and ctx["giltig"] and ctx["d"] is not None:
        return export.excel_bok(
            request,
            f"samlad-analys-{ctx['fran']:%Y%m%d}-{ctx['till']:%Y%m%d}.xlsx",
            samlad.excel_blad(ctx["d"]),
            vad="samlad analys",
            logg="rapporter.samlad_analys",
        )
    return render(request, "rapporter/samlad_analys.html", ctx, status=200 if ctx["giltig"] else 400)


@require_POST
def samlad_analys_text(request):
    noder, bara_text = samlad.noder(request.user)
    nod = next((n for n in noder if str(n.pk) == request.POST.get("nod", "").strip()), None)
    if nod is None or not access.far_skriva_samlad_analys(request.user, nod):
        raise Http404
    form = SamladAnalysTextForm(request.POST, auto_id=TEXT_ID)
    sparat, status = None, 400
    if form.is_valid():
        ar = form.cleaned_data["ar"]
        try:
            services.samlad_analys_spara(
                nod=nod,
                ar=ar,
                text=form.cleaned_data["text"],
                av=request.user,
                version=form.cleaned_data["version"],
            )
        except Krock as krock:
            # Ingenting sparades: det inskrivna står kvar, med det sparade bredvid.
            form.efter_krock(krock)
            sparad = samlad.analys(request.user, nod, ar)
            sparat, status = [("Analys", sparad.text if sparad else "")], 409
        else:
            messages.success(request, "Analysen är sparad.")
            return redirect(
                f"{reverse('rapporter:samlad_analys')}?{urlencode({'nod': nod.pk, 'ar': ar})}#analys"
            )
    ar = form.cleaned_data.get("ar") or timezone.localdate().year
    urval = QueryDict(mutable=True)
    urval.update({"nod": str(nod.pk), "ar": str(ar)})
    ctx = _samlad_kontext(request, noder, bara_text, urval, textform=form, sparat=sparat)
    return render(request, "rapporter/samlad_analys.html", ctx, status=status)
