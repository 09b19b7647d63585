"""Tunna vyer för mål, indikatorer, intern kontrollplan och förbättringsplan."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from kvalitet import access, services
from kvalitet.forms_kvalitetsarbete import (
    ForbattringsatgardForm,
    IndikatorvardeForm,
    KoladaForm,
    KontrollplanForm,
    KontrollpunktForm,
    MalForm,
    MalindikatorForm,
)
from kvalitet.kolada import kolada_importera
from kvalitet.models.kvalitetsarbete import (
    Forbattringsatgard,
    Indikatorvarde,
    Kontrollplan,
    Kontrollpunkt,
    Mal,
    Malindikator,
)
from kvalitet.samtidighet import Krock, spara_formular, sparat_nu


def _ar(request) -> int | None:
    try:
        ar = int(request.GET.get("ar", ""))
    except ValueError:
        return None
    return ar if 2000 <= ar <= 2100 else None


def index(request):
    ar = _ar(request)
    mal = access.scope(request.user, Mal).select_related("nod")
    planer = access.scope(request.user, Kontrollplan).select_related("nod")
    forbattringar = access.scope(request.user, Forbattringsatgard).select_related("nod")
    if ar:
        mal, planer, forbattringar = mal.filter(ar=ar), planer.filter(ar=ar), forbattringar.filter(ar=ar)
    return render(
        request,
        "kvalitetsarbete/index.html",
        {
            "ar": ar,
            "mal": mal.order_by("-ar", "rubrik")[:200],
            "planer": planer.order_by("-ar")[:100],
            "forbattringar": forbattringar.order_by("-ar", "omrade")[:200],
            "kan_andra": access.kan_sida(request.user, "kvalitetsarbete.andra"),
        },
    )


def _ny(request, formklass, mall, rubrik, nasta):
    form = formklass(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        messages.success(request, "Sparat.")
        return redirect(nasta, obj.pk)
    return render(request, mall, {"form": form, "rubrik": rubrik}, status=400 if form.errors else 200)


@access.sida("kvalitetsarbete.andra")
def mal_ny(request):
    return _ny(request, MalForm, "kvalitetsarbete/formular.html", "Nytt mål", "kvalitetsarbete:mal")


def mal_detalj(request, pk):
    mal = access.hamta(request.user, Mal.objects.select_related("nod"), pk=pk)
    kan_andra = access.kan(request.user, mal, access.ANDRA)
    form = MalindikatorForm(request.POST or None)
    if request.method == "POST":
        if not kan_andra:
            raise Http404
        if form.is_valid():
            form.instance.mal = mal
            form.save()
            messages.success(request, "Indikatorn är tillagd.")
            return redirect("kvalitetsarbete:mal", mal.pk)
    indikatorer = access.scope(request.user, Malindikator).filter(mal=mal).prefetch_related("varden")
    return render(
        request,
        "kvalitetsarbete/mal.html",
        {"mal": mal, "indikatorer": indikatorer, "form": form, "kan_andra": kan_andra},
        status=400 if form.errors else 200,
    )


def indikator(request, pk):
    ind = access.hamta(request.user, Malindikator.objects.select_related("mal"), pk=pk)
    kan_andra = access.kan(request.user, ind, access.ANDRA)
    # "Ändra" på ett år (?ar=) fyller i det sparade värdet och dess version.
    andra_ar = request.GET.get("ar", "")
    instans = (
        Indikatorvarde.objects.filter(indikator=ind, ar=andra_ar).first() if andra_ar.isdigit() else None
    )
    form = IndikatorvardeForm(request.POST or None, indikator=ind, instance=instans)
    if request.method == "POST":
        if not kan_andra:
            raise Http404
        if form.is_valid():
            try:
                services.indikatorvarde_spara(**form.tjanstens_data(), av=request.user)
            except Krock as krock:
                form.efter_krock(krock)
            else:
                messages.success(request, "Värdet är sparat.")
                return redirect("kvalitetsarbete:indikator", ind.pk)
    varden = Indikatorvarde.objects.filter(indikator=ind).order_by("-ar")
    return render(
        request,
        "kvalitetsarbete/indikator.html",
        {"ind": ind, "varden": varden, "form": form, "kan_andra": kan_andra},
        status=400 if form.errors else 200,
    )


@access.sida("kvalitetsarbete.andra")
def kontrollplan_ny(request):
    return _ny(
        request,
        KontrollplanForm,
        "kvalitetsarbete/formular.html",
        "Ny intern kontrollplan",
        "kvalitetsarbete:kontrollplan",
    )


def kontrollplan_detalj(request, pk):
    plan = access.hamta(request.user, Kontrollplan.objects.select_related("nod"), pk=pk)
    kan_andra = access.kan(request.user, plan, access.ANDRA)
    form = KontrollpunktForm(request.POST or None)
    if request.method == "POST":
        if not kan_andra:
            raise Http404
        if form.is_valid():
            form.instance.plan = plan
            form.save()
            messages.success(request, "Kontrollpunkten är tillagd.")
            return redirect("kvalitetsarbete:kontrollplan", plan.pk)
    punkter = access.scope(request.user, Kontrollpunkt).filter(plan=plan)
    return render(
        request,
        "kvalitetsarbete/kontrollplan.html",
        {"plan": plan, "punkter": punkter, "form": form, "kan_andra": kan_andra},
        status=400 if form.errors else 200,
    )


def kontrollpunkt(request, pk):
    punkt = access.hamta(request.user, Kontrollpunkt, access.ANDRA, pk=pk)
    form = KontrollpunktForm(request.POST or None, instance=punkt)
    if request.method == "POST" and form.is_valid():
        try:
            spara_formular(form, av=request.user, vad="Kontrollpunkten")
        except Krock as krock:
            form.efter_krock(krock)
        else:
            messages.success(request, "Kontrollpunkten är sparad.")
            return redirect("kvalitetsarbete:kontrollplan", punkt.plan_id)
    return render(
        request,
        "kvalitetsarbete/formular.html",
        {"form": form, "rubrik": "Kontrollpunkt", "sparat_nu": _sparat_efter_krock(form)},
        status=400 if form.errors else 200,
    )


@access.sida("kvalitetsarbete.andra")
def forbattring_ny(request):
    form = ForbattringsatgardForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.instance.skapad_av = request.user
        form.save()
        messages.success(request, "Förbättringen är tillagd i planen.")
        return redirect("kvalitetsarbete:index")
    return render(
        request,
        "kvalitetsarbete/formular.html",
        {"form": form, "rubrik": "Ny förbättring i förbättringsplanen"},
        status=400 if form.errors else 200,
    )


def forbattring(request, pk):
    obj = access.hamta(request.user, Forbattringsatgard, access.ANDRA, pk=pk)
    form = ForbattringsatgardForm(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            spara_formular(form, av=request.user, vad="Förbättringen")
        except Krock as krock:
            form.efter_krock(krock)
        else:
            messages.success(request, "Sparat.")
            return redirect("kvalitetsarbete:index")
    return render(
        request,
        "kvalitetsarbete/formular.html",
        {"form": form, "rubrik": "Förbättring", "sparat_nu": _sparat_efter_krock(form)},
        status=400 if form.errors else 200,
    )


def _sparat_efter_krock(form):
    """Efter en krock: det som är sparat i posten, att visa bredvid det inskrivna."""
    if not form.is_bound or not form.has_error(NON_FIELD_ERRORS, code="krock"):
        return None
    return sparat_nu(form, type(form.instance)._default_manager.get(pk=form.instance.pk))


@access.sida("kvalitetsarbete.kolada")
def kolada_import(request):
    form = KoladaForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            resultat = kolada_importera(innehall=form.cleaned_data["fil"].read(), av=request.user)
        except ValidationError as fel:
            form.add_error("fil", fel)
        else:
            messages.success(
                request,
                f"{resultat['varden']} jämförelsevärden inlästa; {resultat['indikatorvarden']} indikatorvärden uppdaterade.",
            )
            return redirect("kvalitetsarbete:index")
    return render(
        request,
        "kvalitetsarbete/kolada.html",
        {"form": form},
        status=400 if form.errors else 200,
    )
