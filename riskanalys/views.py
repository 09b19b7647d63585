"""Tunna vyer: hämta inom scope, validera formuläret, anropa en tjänst, rendera."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from kvalitet import access, arende_vyer, kopplingar, riskmatris
from kvalitet.arende import EFFEKT_FRAGA
from kvalitet.audit import logga_visning
from kvalitet.paginering import BegransadPaginator
from kvalitet.samtidighet import Krock, sparat_nu
from riskanalys import queries, services
from riskanalys.forms import AnalysForm, AtgardForm, FilterForm, FoljUppForm, MallForm, RiskForm
from riskanalys.models import AnalysStatus, Atgard, Mall, Pdfbestallning, PdfStatus, Risk, Riskanalys


def _fel(request, fel: ValidationError):
    for m in fel.messages:
        messages.error(request, m)


@access.sida("riskanalys.anvanda")
def index(request):
    filter_ = FilterForm(request.GET or None)
    data = filter_.cleaned_data if filter_.is_valid() else {}
    qs = queries.lista(request.user, status=data.get("status") or "", sok=data.get("sok") or "")
    sida = BegransadPaginator(qs, 25).get_page(request.GET.get("sida"))
    return render(request, "riskanalys/index.html", {"sida": sida, "filter": filter_})


@access.sida("riskanalys.anvanda")
def ny(request):
    initial = {}
    if request.method == "GET" and request.GET.get("mall", "").isdigit():
        mall = access.scope(request.user, Mall).filter(pk=request.GET["mall"]).first()
        if mall:
            initial = {"mall": mall, "titel": mall.titel}
    form = AnalysForm(request.POST or None, user=request.user, ny=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        analys = form.save(commit=False)
        analys = services.analys_skapa(
            analys=analys,
            av=request.user,
            avvikelser=form.cleaned_data["avvikelser"],
            brukare=form.cleaned_data["brukare"],
            mall=form.cleaned_data.get("mall"),
        )
        messages.success(request, "Analysen är skapad. Lägg till risker och åtgärder.")
        return redirect("riskanalys:detalj", analys.pk)
    return render(request, "riskanalys/form.html", {"form": form, "rubrik": "Ny riskanalys"})


def _editor_kontext(request, analys, risk_form=None, atgard_former=None, redigera_risk=None):
    risker = queries.risker(analys)
    atgard_former = atgard_former or {}
    val = None
    for r in risker:
        r.ny_atgard_form = atgard_former.get(r.pk) or AtgardForm(analys=analys, prefix=f"atgard-{r.pk}")
        falt = r.ny_atgard_form.fields.get("ansvarig")
        if falt is not None:
            # Samma personlista i varje formulär: en fråga, inte en per risk.
            val = val if val is not None else list(falt.choices)
            falt.choices = val
    return {
        "analys": analys,
        "risker": risker,
        "matris": queries.matris(risker),
        "risk_form": risk_form or RiskForm(prefix="risk"),
        "redigera_risk": redigera_risk,
        "kan_andra": access.kan(request.user, analys, access.ANDRA),
    }


def detalj(request, pk):
    return _detalj(request, queries.detalj(request.user, pk))


def _detalj(request, analys, *, uppfoljning=None, folj_upp_form=None, fel=""):
    brukare = list(analys.brukare.all())
    if brukare:
        logga_visning(request, brukare, "riskanalys: detalj")
    kontext = _editor_kontext(request, analys)
    _uppfoljningsformular(request, analys, kontext["risker"], kontext["kan_andra"], uppfoljning)
    alla = [a for r in kontext["risker"] for a in r.atgarder.all()]
    kontext.update(
        {
            "brukare": [(b, access.brukare_visningsnamn(request.user, b)) for b in brukare],
            "avvikelser": list(access.scope(request.user, analys.avvikelser.all())),
            "forandringar": list(kopplingar.fraga("riskanalys.forandringar", request.user, analys)),
            "versioner": queries.versioner(request.user, analys),
            "handelser": analys.handelser.select_related("av"),
            "folj_upp_form": folj_upp_form or FoljUppForm(),
            "mall_form": MallForm(initial={"titel": analys.titel}),
            "bestallning": queries.pdf_bestallning(request.user, analys),
            "effekt_fraga": EFFEKT_FRAGA,
            "los_uppfoljning": arende_vyer.los_uppfoljning(alla, uppfoljning),
            "fel": fel,
        }
    )
    return render(request, "riskanalys/detalj.html", kontext, status=400 if fel else 200)


def _uppfoljningsformular(request, analys, risker, kan_andra, inskickad) -> None:
    """Ett formulär per åtgärd (genomförd med effekt, eller struken) i en fastställd analys, för den som får
    ändra analysen eller är ansvarig för åtgärden."""
    oppen = analys.aktuell and analys.status == AnalysStatus.FASTSTALLD
    for r in risker:
        arende_vyer.med_uppfoljning(
            r.atgarder.all(),
            inskickad,
            far=lambda a: oppen and (kan_andra or a.ansvarig_id == request.user.pk),
        )


@require_POST
def atgard_folj_upp(request, pk):
    """Markerar en åtgärd genomförd med effektbedömning, eller stryker den med motivering (kvalitet.arende)."""
    analys = queries.detalj(request.user, pk)
    return arende_vyer.atgard_folj_upp(
        request,
        hamta_atgard=lambda id_: access.hamta(
            request.user, Atgard, access.ANDRA, pk=id_, risk__analys=analys
        ),
        tjanst=services.atgard_folj_upp,
        visa=lambda form, fel: _detalj(request, analys, uppfoljning=form, fel=fel),
        till=analys_url(analys) + "#risker",
    )


def redigera(request, pk):
    analys = access.hamta(request.user, Riskanalys, access.ANDRA, pk=pk)
    if not analys.redigerbar:
        messages.error(request, "Analysen är fastställd. Skapa en ny version för att ändra den.")
        return redirect("riskanalys:detalj", analys.pk)
    form = AnalysForm(request.POST or None, instance=analys, user=request.user)
    sparat = None
    if request.method == "POST" and form.is_valid():
        try:
            services.analys_spara(
                analys=form.save(commit=False),
                av=request.user,
                version=form.cleaned_data["version"],
                avvikelser=form.cleaned_data["avvikelser"],
                brukare=form.cleaned_data["brukare"],
            )
        except Krock as krock:
            # Ingenting sparades: det inskrivna står kvar, med det sparade bredvid.
            form.efter_krock(krock)
            sparat = sparat_nu(form, Riskanalys.objects.get(pk=analys.pk))
        except ValidationError as e:
            _fel(request, e)
            return redirect("riskanalys:detalj", analys.pk)
        else:
            return redirect("riskanalys:detalj", analys.pk)
    return render(
        request,
        "riskanalys/form.html",
        {"form": form, "rubrik": f"Ändra {analys.titel}", "sparat_nu": sparat},
        status=400 if request.method == "POST" else 200,
    )


def _editor_htmx(request, analys, **kw):
    """Editorn och, utanför bandet (hx-swap-oob), matrisen: en ny risk syns i matrisen direkt."""
    kontext = _editor_kontext(request, analys, **kw)
    html = render_to_string("riskanalys/_editor.html", kontext, request=request)
    html += render_to_string("riskanalys/_matris_sektion.html", {**kontext, "oob": True}, request=request)
    return HttpResponse(html)


def _editor_svar(request, analys, **kw):
    """htmx får bara editorn; utan JavaScript blir det en vanlig omdirigering till detaljsidan."""
    if request.htmx:
        return _editor_htmx(request, analys, **kw)
    if kw:
        # Ogiltigt formulär utan JavaScript: hela sidan med felen och de inmatade värdena.
        kontext = _editor_kontext(request, analys, **kw)
        return render(request, "riskanalys/editor_sida.html", kontext)
    return redirect(f"{analys_url(analys)}#risker")


def analys_url(analys):
    return reverse("riskanalys:detalj", args=[analys.pk])


@require_POST
def risk_ny(request, pk):
    analys = access.hamta(request.user, Riskanalys, access.ANDRA, pk=pk)
    form = RiskForm(request.POST, prefix="risk", instance=Risk(analys=analys))
    if form.is_valid():
        try:
            services.risk_spara(risk=form.save(commit=False), av=request.user, version=None)
        except ValidationError as e:
            form.add_error(None, e)
            return _editor_svar(request, analys, risk_form=form)
        return _editor_svar(request, analys)
    return _editor_svar(request, analys, risk_form=form)


def risk_redigera(request, pk):
    risk = access.hamta(request.user, Risk.objects.select_related("analys__nod"), access.ANDRA, pk=pk)
    analys = risk.analys
    form = RiskForm(request.POST or None, prefix=f"r{risk.pk}", instance=risk)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.risk_spara(
                    risk=form.save(commit=False), av=request.user, version=form.cleaned_data["version"]
                )
                return _editor_svar(request, analys)
            except Krock as krock:
                form.efter_krock(krock)
                form.sparat_nu = sparat_nu(form, Risk.objects.get(pk=risk.pk))
            except ValidationError as e:
                form.add_error(None, e)
        return _editor_svar(request, analys, redigera_risk=(risk.pk, form))
    if request.htmx:
        return _editor_htmx(request, analys, redigera_risk=(risk.pk, form))
    return render(
        request,
        "riskanalys/editor_sida.html",
        _editor_kontext(request, analys, redigera_risk=(risk.pk, form)),
    )


@require_POST
def risk_ta_bort(request, pk):
    risk = access.hamta(request.user, Risk.objects.select_related("analys"), access.ANDRA, pk=pk)
    analys = risk.analys
    try:
        services.risk_ta_bort(risk=risk, av=request.user)
    except ValidationError as e:
        _fel(request, e)
    return _editor_svar(request, analys)


@require_POST
def atgard_ny(request, pk):
    risk = access.hamta(request.user, Risk.objects.select_related("analys__nod"), access.ANDRA, pk=pk)
    analys = risk.analys
    form = AtgardForm(request.POST, analys=analys, prefix=f"atgard-{risk.pk}", instance=Atgard(risk=risk))
    if form.is_valid():
        try:
            services.atgard_spara(atgard=form.save(commit=False), av=request.user, version=None)
            return _editor_svar(request, analys)
        except ValidationError as e:
            form.add_error(None, e)
    return _editor_svar(request, analys, atgard_former={risk.pk: form})


def atgard_redigera(request, pk):
    atgard = access.hamta(
        request.user, Atgard.objects.select_related("risk__analys__nod"), access.ANDRA, pk=pk
    )
    analys = atgard.risk.analys
    # Efter fastställandet följs åtgärden bara upp (status, resultat); annat ändras i en ny version.
    bara_uppfoljning = not analys.redigerbar or not access.kan(request.user, analys, access.ANDRA)
    form = AtgardForm(
        request.POST or None,
        analys=analys,
        instance=atgard,
        prefix=f"a{atgard.pk}",
        bara_uppfoljning=bara_uppfoljning,
    )
    sparat = None
    if request.method == "POST" and form.is_valid():
        try:
            services.atgard_spara(
                atgard=form.save(commit=False), av=request.user, version=form.cleaned_data["version"]
            )
            messages.success(request, "Åtgärden är sparad.")
            return redirect(analys_url(analys) + "#risker")
        except Krock as krock:
            form.efter_krock(krock)
            sparat = sparat_nu(form, Atgard.objects.get(pk=atgard.pk))
        except ValidationError as e:
            form.add_error(None, e)
    return render(
        request,
        "riskanalys/atgard.html",
        {"form": form, "atgard": atgard, "analys": analys, "sparat_nu": sparat},
        status=400 if sparat else 200,
    )


@require_POST
def faststall(request, pk):
    analys = access.hamta(request.user, Riskanalys, access.ANDRA, pk=pk)
    try:
        services.analys_faststall(analys=analys, av=request.user)
        messages.success(request, "Analysen är fastställd.")
    except ValidationError as e:
        _fel(request, e)
    return redirect("riskanalys:detalj", analys.pk)


@require_POST
def folj_upp(request, pk):
    """Följer upp analysen: utvärderingen, och varje åtgärd genomförd med effekt eller struken."""
    analys = access.hamta(request.user, Riskanalys, access.ANDRA, pk=pk)
    return arende_vyer.utfor(
        request,
        FoljUppForm(request.POST),
        spara=lambda data: services.analys_folj_upp(analys=analys, av=request.user, **data),
        visa=lambda form, fel: _detalj(
            request, queries.detalj(request.user, pk), folj_upp_form=form, fel=fel
        ),
        klart="Uppföljningen är sparad.",
        till=("riskanalys:detalj", analys.pk),
        ogiltigt="Beskriv om åtgärderna fungerade.",
    )


@require_POST
def ny_version(request, pk):
    analys = access.hamta(request.user, Riskanalys, access.ANDRA, pk=pk)
    try:
        ny = services.analys_ny_version(analys=analys, av=request.user)
    except ValidationError as e:
        _fel(request, e)
        return redirect("riskanalys:detalj", analys.pk)
    messages.success(request, f"Version {ny.version} är skapad. Den tidigare versionen finns kvar att läsa.")
    return redirect("riskanalys:detalj", ny.pk)


@require_POST
def spara_mall(request, pk):
    analys = access.hamta(request.user, Riskanalys, access.ANDRA, pk=pk)
    form = MallForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ge mallen ett namn.")
        return redirect("riskanalys:detalj", analys.pk)
    mall = services.mall_fran_analys(analys=analys, av=request.user, **form.cleaned_data)
    messages.success(request, f"Mallen ”{mall.titel}” är sparad och delas med hela kommunen.")
    return redirect("riskanalys:mallar")


@access.sida("riskanalys.anvanda")
def mallar(request):
    return render(request, "riskanalys/mallar.html", {"mallar": queries.mallar(request.user)})


def mall_detalj(request, pk):
    mall = access.hamta(request.user, Mall.objects.select_related("skapad_av", "nod"), pk=pk)
    return render(request, "riskanalys/mall.html", {"mall": mall, "risker": mall.risker.all()})


@access.sida("riskanalys.anvanda")
def risker(request):
    niva = request.GET.get("niva", "")
    qs = queries.alla_risker(request.user, niva=niva)
    sida = BegransadPaginator(qs, 50).get_page(request.GET.get("sida"))
    return render(
        request,
        "riskanalys/risker.html",
        {"sida": sida, "niva": niva, "nivaer": riskmatris.NIVAER, "matris": queries.matris(qs)},
    )


@require_POST
def pdf(request, pk):
    """Beställer analysen som PDF; PDF-workern bygger den (i demon utan Redis direkt i begäran)."""
    analys = queries.detalj(request.user, pk)
    bestallning = services.pdf_bestall(analys=analys, av=request.user)
    if request.htmx:
        bestallning.refresh_from_db()
        return render(request, "riskanalys/_pdfstatus.html", {"analys": analys, "bestallning": bestallning})
    return redirect("riskanalys:detalj", analys.pk)


def pdf_status(request, pk):
    analys = queries.detalj(request.user, pk)
    return render(
        request,
        "riskanalys/_pdfstatus.html",
        {"analys": analys, "bestallning": queries.pdf_bestallning(request.user, analys)},
    )


def pdf_hamta(request, pk):
    """Den färdiga PDF:en, bara till den som beställde den."""
    bestallning = access.hamta(
        request.user, Pdfbestallning.objects.select_related("analys"), analys_id=pk, status=PdfStatus.KLAR
    )
    brukare = list(bestallning.analys.brukare.all())
    if brukare:
        logga_visning(request, brukare, "riskanalys: pdf")
    return FileResponse(
        bestallning.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"riskanalys-{pk}-v{bestallning.version}.pdf",
    )
