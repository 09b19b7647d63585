from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from kvalitet import access, queries, services, startsida
from kvalitet import sok as sokning
from kvalitet.audit import logga_visning
from kvalitet.enskildval import URVAL
from kvalitet.enskildval import SokForm as EnskildSokForm
from kvalitet.forms import (
    BrukareForm,
    InsatsForm,
    LoggkontrollForm,
    MotiveringForm,
    OverlamnaForm,
    SokForm,
    SokningForm,
)
from kvalitet.models import Brukare, Insats
from kvalitet.samtidighet import Krock, sparat_nu
from kvalitet.uppgifter import mina_uppgifter

SIDSTORLEK = 25
UPPGIFTER_PA_STARTSIDAN = 50


def start(request):
    """Startsidan per roll: rapportknapparna, rutorna (tal med länk till listan bakom), signaler, trend
    eller nämndjämförelse, Mina uppgifter och olästa notiser (kvalitet.startsida)."""
    uppgifter = mina_uppgifter(request.user)
    # De mest brådskande först (listan är sorterad så); hela listan med ?alla=1. En samordnare kan ha hundratals
    # åtgärder, och en startsida med alla blir varken läsbar eller snabb.
    alla = request.GET.get("alla") == "1"
    return render(
        request,
        "kvalitet/start.html",
        {
            "sida": startsida.startsida(request.user),
            "uppgifter": uppgifter if alla else uppgifter[:UPPGIFTER_PA_STARTSIDAN],
            "uppgifter_antal": len(uppgifter),
            "notiser": queries.notifikationer(request.user).filter(last__isnull=True)[:10],
        },
    )


def start_lista(request, nyckel: str):
    """Listan bakom en ruta på startsidan som ingen annan lista filtrerar fram (samma urval som talet)."""
    urval = startsida.urval(request.user, nyckel)
    if urval is None:
        raise Http404
    sida = Paginator(urval.qs, SIDSTORLEK).get_page(request.GET.get("sida"))
    brukare = [b for b in (urval.brukare(o) for o in sida) if b]
    if brukare:
        logga_visning(request, brukare, f"startsidan: {urval.rubrik}")
    return render(
        request,
        "kvalitet/start_lista.html",
        {"urval": urval, "sida": sida, "rader": [urval.rad(o) for o in sida]},
    )


def organisation(request):
    return render(request, "kvalitet/organisation.html", {"noder": queries.organisationstrad()})


def brukare_lista(request):
    form = SokForm(request.GET or None)
    fraga = form.cleaned_data["q"] if form.is_valid() else ""
    qs = queries.brukare_sok(request.user, fraga).select_related("handlaggare", "namnd")
    sida = Paginator(queries.brukare_i_ordning(request.user, qs), SIDSTORLEK).get_page(
        request.GET.get("sida")
    )
    logga_visning(request, list(sida.object_list), "brukarlista")
    return render(request, "kvalitet/brukare_lista.html", {"form": form, "sida": sida})


def brukare_detalj(request, pk: int):
    brukare = access.hamta(request.user, Brukare.objects.select_related("handlaggare", "namnd"), pk=pk)
    insatser = access.scope(request.user, Insats).filter(brukare=brukare).select_related("typ", "enhet")
    logga_visning(request, brukare, "brukare: detaljsida")
    return render(
        request,
        "kvalitet/brukare_detalj.html",
        {
            "brukare": brukare,
            "insatser": insatser,
            "kan_andra": access.kan(request.user, brukare, access.ANDRA),
            "kan_overlamna": access.far_overlamna(request.user, brukare),
            "kan_hava_skydd": access.far_hava_skydd(request.user, brukare),
        },
    )


def _spara_brukare(request, form) -> Brukare | None:
    """Sparar formulärets brukare; en krock som upptäcks först vid sparandet blir ett fel i formuläret.
    Har någon annan sparat sedan sidan öppnades (eller saknas versionen) står det inskrivna kvar."""
    try:
        return services.brukare_spara(
            brukare=form.save(commit=False), av=request.user, version=form.cleaned_data.get("version")
        )
    except Krock as krock:
        form.efter_krock(krock)
        form.krock = krock
        return None
    except ValidationError as fel:
        form.add_error(None, fel.messages)
        return None


def enskild_sok(request):
    """htmx: träffarna i ett fält för att välja enskild (kvalitet.enskildval). Ingen visas förrän sökningen
    har minst två tecken; träffarna ligger inom urvalets scope och varje visad enskild loggas."""
    form = EnskildSokForm(request.GET)
    if not form.is_valid():
        return render(request, "kvalitet/_enskild_traffar.html", {"traffar": [], "fel": True}, status=400)
    falt, urval = form.cleaned_data["falt"], URVAL[form.cleaned_data["urval"]]
    redan_valda = {int(v) for v in request.GET.getlist(falt) if v.isdigit()}
    traffar = urval.sok(request.user, request.GET.get(f"{falt}__sok", "")[:100])
    fler = False
    if traffar is not None:
        fler = len(traffar) >= queries.MAX_TRAFFAR
        traffar = [t for t in traffar if t.pk not in redan_valda]
        sammanhang = form.cleaned_data["sammanhang"]
        logga_visning(
            request,
            [urval.brukare_id(t) for t in traffar],
            f"{sammanhang}: sök enskild" if sammanhang else "sök enskild",
        )
        traffar = [(t.pk, urval.etikett(request.user, t)) for t in traffar]
    return render(
        request,
        "kvalitet/_enskild_traffar.html",
        {
            "traffar": traffar,
            "fler": fler,
            "falt": falt,
            "typ": "checkbox" if form.cleaned_data["flera"] else "radio",
            "minsta": queries.MINSTA_SOKNING,
        },
    )


@access.sida("kvalitet.ny_brukare")
def brukare_ny(request):
    form = BrukareForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid() and (brukare := _spara_brukare(request, form)):
        messages.success(request, "Brukaren är sparad.")
        return redirect("kvalitet:brukare", pk=brukare.pk)
    return render(request, "kvalitet/brukare_form.html", {"form": form, "rubrik": "Ny brukare"})


def brukare_andra(request, pk: int):
    brukare = access.hamta(request.user, Brukare, access.ANDRA, pk=pk)
    form = BrukareForm(request.POST or None, instance=brukare, user=request.user)
    if request.method == "POST" and form.is_valid() and _spara_brukare(request, form):
        messages.success(request, "Ändringarna är sparade.")
        return redirect("kvalitet:brukare", pk=brukare.pk)
    logga_visning(request, brukare, "brukare: ändra")
    sparad = None
    if getattr(form, "krock", None) is not None:
        # Bara fälten formuläret visar (inte identiteten för den som inte får se den).
        sparad = sparat_nu(form, Brukare.objects.get(pk=brukare.pk))
    return render(
        request,
        "kvalitet/brukare_form.html",
        {"form": form, "rubrik": "Ändra brukare", "brukare": brukare, "sparat_nu": sparad},
        status=400 if form.is_bound and form.errors else 200,
    )


def brukare_overlamna(request, pk: int):
    """Lämna över en brukare med skyddad identitet till en annan handläggare (med motivering)."""
    brukare = access.hamta(request.user, Brukare.objects.select_related("handlaggare"), access.ANDRA, pk=pk)
    if not access.far_overlamna(request.user, brukare):
        raise PermissionDenied
    form = OverlamnaForm(request.POST or None, brukare=brukare, user=request.user, version=brukare.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.brukare_overlamna(
                brukare=brukare,
                till=form.cleaned_data["handlaggare"],
                motivering=form.cleaned_data["motivering"],
                av=request.user,
                version=form.cleaned_data["version"],
            )
            messages.success(request, "Ärendet är överlämnat.")
            return redirect("kvalitet:brukare", pk=brukare.pk)
        except Krock as krock:
            form.efter_krock(krock)
    return render(
        request,
        "kvalitet/brukare_atgard.html",
        {"form": form, "brukare": brukare, "rubrik": "Lämna över ärendet"},
        status=400 if getattr(form, "_krock", False) else 200,
    )


def brukare_hav_skydd(request, pk: int):
    """Häv skyddad identitet (med motivering). Sidan visar aldrig identiteten."""
    brukare = access.hamta(request.user, Brukare, access.ANDRA, pk=pk)
    if not access.far_hava_skydd(request.user, brukare):
        raise PermissionDenied
    form = MotiveringForm(request.POST or None, knapp="Häv skyddad identitet", version=brukare.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.brukare_hav_skydd(
                brukare=brukare,
                motivering=form.cleaned_data["motivering"],
                av=request.user,
                version=form.cleaned_data["version"],
            )
            messages.success(request, "Den skyddade identiteten är hävd.")
            return redirect("kvalitet:brukare", pk=brukare.pk)
        except Krock as krock:
            form.efter_krock(krock)
    return render(
        request,
        "kvalitet/brukare_atgard.html",
        {"form": form, "brukare": brukare, "rubrik": "Häv skyddad identitet"},
        status=400 if getattr(form, "_krock", False) else 200,
    )


def insats_ny(request, pk: int):
    brukare = access.hamta(request.user, Brukare, access.ANDRA, pk=pk)
    form = InsatsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        insats = form.save(commit=False)
        insats.brukare = brukare
        services.insats_spara(insats=insats, av=request.user)
        messages.success(request, "Insatsen är sparad.")
        return redirect("kvalitet:brukare", pk=brukare.pk)
    return render(request, "kvalitet/insats_form.html", {"form": form, "brukare": brukare})


@access.sida("kvalitet.sok")
def sok(request):
    """Sökningen: referensnummer och fritext i det användaren får läsa, grupperat per modul. Visar
    träffarna enskilda (avvikelser och lex Sarah som berör någon) loggas de som visade."""
    # Ett tomt sökfält (Sök utan text) visar bara sidan med rutan, inget fel.
    form = SokningForm(request.GET) if request.GET.get("q", "").strip() else SokningForm()
    grupper = sokning.sok(request.user, form.cleaned_data["q"]) if form.is_bound and form.is_valid() else []
    logga_visning(request, [b for g in grupper for t in g.traffar for b in t.brukare_ids], "sökning")
    return render(
        request,
        "kvalitet/sok.html",
        {"form": form, "grupper": grupper, "antal": sum(len(g.traffar) for g in grupper)},
        status=400 if form.errors else 200,
    )


@access.sida("kvalitet.loggkontroll")
def loggkontroll(request):
    """Vem har tittat på en brukare, och när (kvalitetssamordnare, inom sin nämnd)."""
    form = LoggkontrollForm(request.GET or None)
    brukare, traffar, sida = None, None, None
    if form.is_valid():
        if form.cleaned_data["brukare"]:
            brukare = get_object_or_404(
                queries.brukare_sok(request.user, "", access.LASA), pk=form.cleaned_data["brukare"]
            )
            # Loggas först, så att sidan också visar just den här visningen.
            logga_visning(request, brukare, "loggkontroll")
            poster = queries.loggkontroll(request.user, brukare_id=brukare.pk)
            sida = Paginator(poster, 50).get_page(request.GET.get("sida"))
        elif form.cleaned_data["q"]:
            traffar = list(queries.brukare_sok(request.user, form.cleaned_data["q"])[:20])
            logga_visning(request, traffar, "loggkontroll: sökning")
    return render(
        request,
        "kvalitet/loggkontroll.html",
        {"form": form, "brukare": brukare, "traffar": traffar, "sida": sida},
    )


def notifikationer(request):
    fel = ""
    if request.method == "POST":
        # Användarens eget val: påminnelser i ett dagligt sammandrag (standard) eller e-post direkt.
        val = request.POST.get("direkt")
        if val in ("ja", "nej"):
            services.epostval_spara(anvandare=request.user, direkt=val == "ja")
            messages.success(request, "Ditt val för e-post är sparat.")
            return redirect("kvalitet:notifikationer")
        fel = "Välj hur du vill få påminnelserna."
    sida = Paginator(queries.notifikationer(request.user), SIDSTORLEK).get_page(request.GET.get("sida"))
    return render(
        request,
        "kvalitet/notifikationer.html",
        {"sida": sida, "direkt": queries.epost_direkt(request.user), "fel": fel},
        status=400 if fel else 200,
    )


@require_POST
def notifikation_last(request, pk: int):
    notis = access.hamta(request.user, queries.notifikationer(request.user), pk=pk)
    services.notifikation_markera_last(notis=notis)
    return redirect(notis.lank or "kvalitet:notifikationer")
