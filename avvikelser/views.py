"""Tunna vyer: hämta inom scope, validera formuläret, anropa en tjänst, rendera."""

import datetime
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from avvikelser import affisch, queries, services
from avvikelser.forms import (
    AtgardForm,
    AvslutaKlagomalForm,
    AvvikelseForm,
    BilagaForm,
    KlagomalAtgardForm,
    KlagomalFilterForm,
    KlagomalForm,
    KlagomalOppetForm,
    KlagomalTemaForm,
    KoFilterForm,
    OppnaIgenForm,
    StatistikForm,
    StatusForm,
    StyrdiagramForm,
    UtredningForm,
    enhet_ur_lank,
)
from avvikelser.models import Atgard, Avvikelse, Bilaga, Klagomal, KlagomalAtgard, OppenInlamning
from kvalitet import access, arende_vyer, diagram
from kvalitet.arende import EFFEKT_FRAGA, far_andras
from kvalitet.audit import logga_visning
from kvalitet.bilagor import bilagesvar
from kvalitet.diagram import manadsetikett
from kvalitet.export import excel_bok
from kvalitet.natverk import klientadress
from kvalitet.paginering import BegransadPaginator
from kvalitet.session import rensa_utkast
from lexsarah import queries as lexsarah_queries

# Exporten har ett tak så att en fil alltid går att öppna (Excel klarar drygt en miljon rader).
EXPORT_MAX = 50000


def index(request):
    """Kön för chefer och kvalitetssamordnare; övriga ser det de själva rapporterat."""
    if not access.kan_sida(request.user, "avvikelser.ko"):
        return redirect("avvikelser:mina")
    filter_ = KoFilterForm(request.GET or None, user=request.user)
    data = filter_.cleaned_data if filter_.is_valid() else {}
    qs = queries.ko(
        request.user,
        status=data.get("status") or "",
        kategori=data.get("kategori"),
        fran=data.get("fran"),
        till=data.get("till"),
        enhet=data.get("enhet"),
        enskild=data.get("enskild") or "",
        sortera=data.get("sortera") or "-rapporterad",
    )
    sida = BegransadPaginator(qs, 25).get_page(request.GET.get("sida"))
    logga_visning(request, [a.brukare_id for a in sida if a.brukare_id], "avvikelser: kö")
    return render(request, "avvikelser/ko.html", {"sida": sida, "filter": filter_})


def mina(request):
    sida = Paginator(queries.mina_rapporterade(request.user), 25).get_page(request.GET.get("sida"))
    return render(request, "avvikelser/mina.html", {"sida": sida})


def rapportera(request):
    """Rapportformuläret. `?enhet=<id>` (QR-affischen) väljer enheten om användaren får rapportera för
    den; annars ett svenskt meddelande och formuläret som vanligt. Ett foto eller dokument kan bifogas."""
    enhet, lankfel = enhet_ur_lank(request.user, request.GET.get("enhet"))
    post = request.method == "POST"
    form = AvvikelseForm(
        request.POST if post else None, request.FILES if post else None, user=request.user, enhet=enhet
    )
    if post and form.is_valid():
        try:
            avvikelse = services.avvikelse_rapportera(
                avvikelse=form.save(commit=False),
                av=request.user,
                inlamningsnyckel=form.cleaned_data.get("inlamningsnyckel"),
                fil=form.cleaned_data.get("fil"),
            )
        except ValidationError as fel:
            form.add_error(None, fel)
        else:
            rensa_utkast(request, "avvikelse-rapport")
            messages.success(request, f"Tack! Avvikelsen har referensnummer {avvikelse.referensnummer}.")
            return redirect("avvikelser:mina")
    return render(
        request,
        "avvikelser/rapportera.html",
        {"form": form, "lankfel": "" if post else lankfel, "fil_igen": form.fil_maste_valjas_igen()},
    )


def kort_rapport(request, pk):
    """QR-affischens adress: till formuläret med enheten vald (formuläret prövar att hen får välja den)."""
    return redirect(f"{reverse('avvikelser:rapportera')}?enhet={pk}")


@access.sida("avvikelser.affisch")
def affischer(request):
    """Enheterna användaren får skriva ut en QR-affisch för, med länk till var och ens PDF."""
    enheter = [(e, affisch.kort_adress(e)) for e in queries.affischenheter(request.user)]
    return render(request, "avvikelser/affischer.html", {"enheter": enheter})


@access.sida("avvikelser.affisch")
def affisch_pdf(request, pk):
    """A4-affischen för en enhet; en enhet utanför användarens ger 404 (som en post utanför scope)."""
    enhet = queries.affischenheter(request.user).filter(pk=pk).first()
    if enhet is None:
        raise Http404("Enheten finns inte bland dina.")
    svar = HttpResponse(affisch.pdf(enhet), content_type="application/pdf")
    svar["Content-Disposition"] = f'attachment; filename="qr-affisch-{enhet.pk}.pdf"'
    svar["Cache-Control"] = "private, no-store"
    return svar


def detalj(request, pk):
    avvikelse = access.hamta(
        request.user,
        Avvikelse.objects.select_related("enhet", "kategori", "brukare", "rapporterad_av"),
        pk=pk,
    )
    kan_andra = access.kan(request.user, avvikelse, access.ANDRA)
    if avvikelse.brukare_id:
        logga_visning(request, avvikelse.brukare, "avvikelse: detalj")
    if not kan_andra:
        # Rapportören ser sin egen text och status; när avvikelsen är avslutad även slutsatsen, åtgärderna
        # och återkopplingen (kvalitet.arende: återkopplingen skrivs som en del av avslutet).
        return render(
            request,
            "avvikelser/status.html",
            {
                "a": avvikelse,
                "egen": avvikelse.rapporterad_av_id == request.user.pk,
                "atgarder": avvikelse.atgarder.all() if avvikelse.avslutad else (),
            },
        )
    rapport = lexsarah_queries.rapport_for_avvikelse(request.user, avvikelse)
    rapport_lank = _rapport_lank(rapport)
    utredning = UtredningForm(
        initial={
            "orsaker": avvikelse.orsaker.all(),
            "konsekvens": avvikelse.konsekvens,
            "sannolikhet": avvikelse.sannolikhet,
            "slutsats": avvikelse.slutsats,
            "version": avvikelse.version,
        }
    )
    return _detalj(request, avvikelse, rapport=rapport, utredning=utredning, rapport_lank=rapport_lank)


def _rapport_lank(rapport) -> str:
    """Länken till lex Sarah-rapporten: modellens get_absolute_url, annars lexsarah:detalj."""
    if rapport is None:
        return ""
    if hasattr(rapport, "get_absolute_url"):
        return rapport.get_absolute_url()
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("lexsarah:detalj", args=[rapport.pk])
    except NoReverseMatch:
        return ""


def _detalj(
    request,
    avvikelse,
    *,
    rapport=None,
    utredning=None,
    atgard=None,
    status=None,
    rapport_lank="",
    bilaga=None,
    krock=False,
    uppfoljning=None,
    fel="",
):
    kan_skriva = far_andras(avvikelse)
    # Det inskickade formuläret (med fel) står kvar vid sin åtgärd; hör det inte till någon åtgärd på sidan
    # visas det för sig, med det som skrevs.
    atgarder = arende_vyer.med_uppfoljning(avvikelse.atgarder.select_related("ansvarig"), uppfoljning)
    losa = arende_vyer.los_uppfoljning(atgarder, uppfoljning)
    return render(
        request,
        "avvikelser/detalj.html",
        {
            "a": avvikelse,
            "handelser": avvikelse.handelser.select_related("av"),
            "atgarder": atgarder,
            "los_uppfoljning": losa,
            "kan_skriva": kan_skriva,
            "fel": fel,
            "effekt_fraga": EFFEKT_FRAGA,
            "utredning": utredning or UtredningForm(),
            "atgard_form": atgard or AtgardForm(avvikelse=avvikelse),
            "status_form": status or StatusForm(),
            "overgangar": sorted(services.OVERGANGAR.get(avvikelse.status, ())),
            "rapport": rapport,
            "rapport_lank": rapport_lank,
            "bilagor": avvikelse.bilagor.all(),
            "bilaga_form": bilaga or BilagaForm(),
            "krock": krock,
        },
        status=400
        if (fel or any(f is not None and f.errors for f in (utredning, atgard, bilaga, uppfoljning)))
        else 200,
    )


@require_POST
def byt_status(request, pk):
    avvikelse = access.hamta(request.user, Avvikelse, access.ANDRA, pk=pk)
    return arende_vyer.utfor(
        request,
        StatusForm(request.POST),
        spara=lambda data: services.avvikelse_byt_status(avvikelse=avvikelse, av=request.user, **data),
        visa=lambda form, fel: _detalj(request, avvikelse, status=form, fel=fel),
        klart="Statusen är ändrad.",
        till=("avvikelser:detalj", pk),
        ogiltigt="Välj en giltig status.",
    )


@require_POST
def utred(request, pk):
    avvikelse = access.hamta(request.user, Avvikelse, access.ANDRA, pk=pk)

    def vid_krock(form, fel):
        avvikelse.refresh_from_db()
        return _detalj(request, avvikelse, utredning=form, krock=True, fel=fel)

    return arende_vyer.utfor(
        request,
        UtredningForm(request.POST),
        spara=lambda data: services.avvikelse_utred(avvikelse=avvikelse, av=request.user, **data),
        visa=lambda form, fel: _detalj(request, avvikelse, utredning=form, fel=fel),
        vid_krock=vid_krock,
        klart="Utredningen är sparad.",
        till=("avvikelser:detalj", pk),
    )


@require_POST
def atgard(request, pk):
    avvikelse = access.hamta(request.user, Avvikelse, access.ANDRA, pk=pk)
    return arende_vyer.atgard_lagg_till(
        request,
        form=AtgardForm(request.POST, avvikelse=avvikelse),
        ny=lambda data: Atgard(avvikelse=avvikelse, **data),
        tjanst=services.atgard_lagg_till,
        visa=lambda form, fel: _detalj(request, avvikelse, atgard=form, fel=fel),
        till=("avvikelser:detalj", pk),
    )


@require_POST
def atgard_folj_upp(request, pk):
    """Markerar en åtgärd genomförd med effektbedömning, eller stryker den med motivering."""
    avvikelse = access.hamta(request.user, Avvikelse, access.ANDRA, pk=pk)
    return arende_vyer.atgard_folj_upp(
        request,
        hamta_atgard=lambda id_: access.hamta(
            request.user, Atgard, access.ANDRA, pk=id_, avvikelse=avvikelse
        ),
        tjanst=services.atgard_folj_upp,
        visa=lambda form, fel: _detalj(request, avvikelse, uppfoljning=form, fel=fel),
        till=("avvikelser:detalj", pk),
    )


@require_POST
def bilaga_ladda_upp(request, pk):
    avvikelse = access.hamta(request.user, Avvikelse, access.ANDRA, pk=pk)
    return arende_vyer.bilaga_lagg_till(
        request,
        form=BilagaForm(request.POST, request.FILES),
        spara=lambda fil: services.bilaga_lagg_till(avvikelse=avvikelse, fil=fil, av=request.user),
        visa=lambda form, fel: _detalj(request, avvikelse, bilaga=form, fel=fel),
        till=("avvikelser:detalj", pk),
    )


def bilaga_hamta(request, pk):
    """Filen, bara för den som får se avvikelsen; visningen loggas om avvikelsen gäller en enskild."""
    bilaga = access.hamta(request.user, Bilaga.objects.select_related("avvikelse"), pk=pk)
    if bilaga.avvikelse.brukare_id:
        logga_visning(request, bilaga.avvikelse.brukare_id, f"avvikelse: bilaga {bilaga.pk}")
    return bilagesvar(bilaga)


@require_POST
def eskalera(request, pk):
    avvikelse = access.hamta(request.user, Avvikelse, access.ANDRA, pk=pk)
    try:
        services.avvikelse_eskalera(avvikelse=avvikelse, av=request.user)
        messages.success(request, "En lex Sarah-rapport har skapats.")
    except ValidationError as fel:
        messages.error(request, " ".join(fel.messages))
    return redirect("avvikelser:detalj", pk=pk)


def export(request):
    """Kön som Excel (samma filter och scope som listan), med utredningen: beskrivning, orsaker, risk,
    åtgärder och slutsats. Skrivs strömmande; exporten loggas per enskild."""
    filter_ = KoFilterForm(request.GET or None, user=request.user)
    data = filter_.cleaned_data if filter_.is_valid() else {}
    qs = queries.ko(
        request.user,
        status=data.get("status") or "",
        kategori=data.get("kategori"),
        fran=data.get("fran"),
        till=data.get("till"),
        enhet=data.get("enhet"),
        enskild=data.get("enskild") or "",
        sortera=data.get("sortera") or "-rapporterad",
    )[:EXPORT_MAX]
    brukare_ids: list[int] = []
    svar = excel_bok(
        request,
        "avvikelser.xlsx",
        [("Avvikelser", queries.EXPORT_RUBRIKER, queries.exportrader(qs, brukare_ids))],
        vad="avvikelser",
        logg="avvikelser.export",
    )
    # Raderna är skrivna när arbetsboken är det: nu vet vi vilka enskilda som står i filen.
    logga_visning(request, brukare_ids, "avvikelser: export till Excel")
    return svar


# --- öppna formuläret (ingen inloggning) -----------------------------------------------------------


def _klientnyckel(request) -> str:
    return hashlib.sha256((klientadress(request) or "okand").encode()).hexdigest()


def oppet_klagomal(request):
    """E-tjänsten för klagomål och synpunkter. Honungsfälla och hastighetsbegränsning i databasen."""
    form = KlagomalOppetForm(request.POST or None)
    if request.method == "POST":
        nyckel = _klientnyckel(request)
        grans = getattr(settings, "AVVIKELSER_OPPET_MAX_PER_TIMME", 5)
        sedan = timezone.now() - datetime.timedelta(hours=1)
        if OppenInlamning.objects.filter(klientnyckel=nyckel, tidpunkt__gte=sedan).count() >= grans:
            return render(
                request, "avvikelser/oppet_klagomal.html", {"form": form, "for_manga": True}, status=429
            )
        if request.POST.get("webbplats"):
            # Robot: svara som vanligt men spara ingenting.
            return render(request, "avvikelser/oppet_tack.html", {"referensnummer": None})
        if form.is_valid():
            OppenInlamning.objects.create(klientnyckel=nyckel)
            klagomal = services.klagomal_registrera(klagomal=form.save(commit=False), av=None)
            return render(request, "avvikelser/oppet_tack.html", {"referensnummer": klagomal.referensnummer})
    return render(request, "avvikelser/oppet_klagomal.html", {"form": form})


def _alla_manader(per_manad: list[dict], fran: datetime.date, till: datetime.date) -> list[dict]:
    """Varje månad i perioden, noll där inget rapporterats (ett diagram utan luckor i tiden)."""
    antal = {r["manad"]: r["antal"] for r in per_manad}
    manad, rader = fran.replace(day=1), []
    while manad <= till:
        rader.append({"manad": manad, "antal": antal.get(manad, 0)})
        manad = (manad + datetime.timedelta(days=32)).replace(day=1)
    return rader


def _nod_och_period(request, standard_fran: datetime.date, standard_till: datetime.date) -> dict:
    """Nod och period ur frågesträngen (StatistikForm) för statistik- och analyssidorna: standardvalet vid
    ogiltigt val, med felen för mallen. Bara noder användaren räknar statistik för erbjuds."""
    from kvalitet.models import OrgNod

    noder = list(
        OrgNod.objects.filter(pk__in=access.noder(request.user, *access.STATISTIK_ROLLER)).order_by("sokvag")
    )
    standard = {"fran": standard_fran, "till": standard_till, "nod": noder[0] if noder else None}
    data = request.GET.copy()
    for nyckel, varde in standard.items():
        if not data.get(nyckel) and varde is not None:
            data[nyckel] = varde.pk if nyckel == "nod" else varde.isoformat()
    form = StatistikForm(data, noder=noder)
    # Ogiltigt val: felmeddelandet och det inskrivna står kvar i formuläret; statistiken visas för standardvalet.
    valt = {**standard, **form.cleaned_data} if form.is_valid() else standard
    # Datumfelen står vid fälten; överst bara det som inte hör till ett fält.
    fel = [*form.non_field_errors(), *form.errors.get("nod", [])] if noder else []
    return {
        "noder": noder,
        "nod": valt["nod"],
        "fran": valt["fran"],
        "till": valt["till"],
        "fel": fel,
        "form": form,
    }


def _vill_ha_excel(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _pareto_blad(namn: str, kolumn: str, rader: list[dict], falt: str) -> tuple:
    from avvikelser import tratt as trattmodul

    return (
        namn,
        [kolumn, "Antal", "Andel (%)", "Kumulativ andel (%)"],
        trattmodul.pareto_tabell(rader, falt),
    )


def _paretodiagram(per_kategori, per_orsak, fran, till) -> dict:
    """Pareto över kategorier och orsaker för perioden (statistiksidan och trattsidan visar samma)."""
    return {
        "kategoridiagram": diagram.pareto(
            f"Avvikelser per kategori {fran:%Y-%m-%d}–{till:%Y-%m-%d} (Pareto)",
            [r["kategori__namn"] for r in per_kategori],
            [r["antal"] for r in per_kategori],
            kolumnrubrik="Kategori",
        ),
        "orsaksdiagram": diagram.pareto(
            f"Orsaker i utredningarna {fran:%Y-%m-%d}–{till:%Y-%m-%d} (Pareto)",
            [r["orsak"] for r in per_orsak],
            [r["antal"] for r in per_orsak],
            kolumnrubrik="Orsak",
        ),
    }


def statistik(request):
    """Statistik för vald nod och period, inom användarens scope (samma frågor som årsrapporten), och de
    aktuella signalerna i styrdiagrammen under noden. `?format=xlsx`: sidans tabeller som Excel."""
    from avvikelser import styrdiagram as spc
    from avvikelser import tratt as trattmodul

    idag = timezone.localdate()
    sammanhang = _nod_och_period(request, idag - datetime.timedelta(days=365), idag)
    nod, fran, till, form = sammanhang["nod"], sammanhang["fran"], sammanhang["till"], sammanhang["form"]
    if nod is not None:
        stat = queries.periodstatistik(request.user, nod, fran, till)
        per_kategori, per_enhet, per_omrade = stat.per_kategori, stat.per_enhet, stat.per_omrade
        totalt = sum(r["antal"] for r in per_kategori) or 1
        for r in per_kategori + per_enhet + per_omrade:
            r["andel"] = round(100 * r["antal"] / totalt, 1)
        per_manad = _alla_manader(stat.per_manad, fran, till)
        flera = queries.brukare_fran_flera_enheter(request.user, nod, fran, till)
        per_orsak = trattmodul.per_orsak(request.user, nod, fran, till)
        # Tysta enheter: trattdiagrammets regel (se avvikelser/tratt.py) över periodens hela månader.
        tratt = trattmodul.for_enheter(request.user, nod, trattmodul.hela_manader(fran, till))
        sammanhang.update(
            per_kategori=per_kategori,
            totalt=sum(r["antal"] for r in per_kategori),
            per_enhet=per_enhet,
            per_omrade=per_omrade,
            avslut=queries.tid_till_avslut(request.user, nod, fran, till),
            per_manad=per_manad,
            **_paretodiagram(per_kategori, per_orsak, fran, till),
            manadsdiagram=diagram.staplar(
                f"Avvikelser per månad {fran:%Y-%m-%d}–{till:%Y-%m-%d}",
                [manadsetikett(r["manad"]) for r in per_manad],
                [r["antal"] for r in per_manad],
                kolumnrubrik="Månad",
                vardesrubrik="Antal avvikelser",
            ),
            fyra_ar=queries.fyra_ar_per_kategori(request.user, nod, till.year),
            ar_lista=list(range(till.year - 3, till.year + 1)),
            flera_enheter=flera,
            tratt=tratt,
            klagomal_per_tema=queries.klagomal_per_tema(request.user, nod, fran, till),
            signaler=[s for s in spc.for_noder(request.user, nod) if s.aktuella],
        )
        if _vill_ha_excel(request) and not form.errors:
            s = sammanhang
            return trattmodul.excel_bok(
                request,
                f"avvikelsestatistik-{fran:%Y%m%d}-{till:%Y%m%d}.xlsx",
                [
                    _pareto_blad("Per kategori", "Kategori", per_kategori, "kategori__namn"),
                    _pareto_blad("Orsaker", "Orsak", per_orsak, "orsak"),
                    (
                        "Per månad",
                        ["Månad", "Antal"],
                        [[manadsetikett(r["manad"]), r["antal"]] for r in per_manad],
                    ),
                    (
                        "Per verksamhetsområde",
                        ["Verksamhetsområde", "Antal", "Andel (%)"],
                        [[r["enhet__forelder__namn"], r["antal"], r["andel"]] for r in per_omrade],
                    ),
                    (
                        "Per enhet",
                        ["Enhet", "Antal", "Andel (%)"],
                        [[r["enhet__namn"], r["antal"], r["andel"]] for r in per_enhet],
                    ),
                    (
                        "Fyra år per kategori",
                        ["Kategori", *map(str, s["ar_lista"])],
                        [[r["kategori"], *r["ar"].values()] for r in s["fyra_ar"]],
                    ),
                    (
                        "Klagomål per tema",
                        ["Tema", "Antal", "Andel (%)"],
                        [[r["tema"], r["antal"], r["andel"]] for r in s["klagomal_per_tema"]],
                    ),
                    ("Trattdiagram", *tratt.tabell()),
                ],
                vad=f"avvikelsestatistik {nod.namn}",
            )
    return render(
        request,
        "avvikelser/statistik.html",
        sammanhang,
        status=400 if sammanhang["form"].errors and sammanhang["noder"] else 200,
    )


def styrdiagram(request):
    """Styrdiagram för vald nod och listan över aktuella signaler vid alla användarens noder (samordnaren ser
    nämndens, chefen sina enheters). Bara antal per månad, inga personuppgifter. `?format=xlsx`: tabellen."""
    from avvikelser import styrdiagram as spc
    from avvikelser import tratt as trattmodul

    diagrammen = spc.for_noder(request.user, None)
    noder = [s.nod for s in diagrammen]
    data = {k: v for k, v in request.GET.items() if k == "nod"}
    form = StyrdiagramForm(data or ({"nod": noder[0].pk} if noder else None), noder=noder)
    vald = form.cleaned_data["nod"] if form.is_valid() else (noder[0] if noder else None)
    valt = next((s for s in diagrammen if s.nod == vald), None)
    felaktigt = form.is_bound and form.errors and noder
    if _vill_ha_excel(request) and valt and not felaktigt:
        rader = [
            [manadsetikett(m), a, v, x, valt.medel if i >= valt.basfran else None, lo, hi, ", ".join(sig)]
            for i, (m, a, v, x, lo, hi, sig) in enumerate(
                zip(
                    valt.manader,
                    valt.antal,
                    valt.volym,
                    valt.varden,
                    valt.nedre,
                    valt.ovre,
                    valt.signaler,
                    strict=True,
                )
            )
        ]
        return trattmodul.excel_bok(
            request,
            "styrdiagram.xlsx",
            [
                (
                    "Styrdiagram",
                    [
                        "Månad",
                        "Avvikelser",
                        "Pågående insatser",
                        valt.vardesrubrik,
                        "Mittlinje",
                        "Nedre gräns",
                        "Övre gräns",
                        "Signal",
                    ],
                    rader,
                )
            ],
            vad=f"styrdiagram {valt.nod.namn}",
        )
    return render(
        request,
        "avvikelser/styrdiagram.html",
        {
            "form": form,
            "noder": noder,
            "vald": vald,
            "styrdiagram": valt,
            "diagram": valt.diagram() if valt else None,
            "signaler": [s for s in diagrammen if s.aktuella],
            "fonster": spc.FONSTER,
            "basperiod": spc.BASPERIOD,
        },
        status=400 if felaktigt else 200,
    )


def tratt(request):
    """Analys för vald nod och period: trattdiagrammet över enheterna (avvikelser per 100 insatser mot
    volymen), enheter utan volym, och Pareto över kategorier och orsaker. Bara antal per enhet; ingen
    behörighet till statistik ger 403. `?format=xlsx`: tabellerna som Excel."""
    from avvikelser import tratt as trattmodul

    idag = timezone.localdate()
    forsta = idag.replace(day=1)
    standard_fran = (forsta - datetime.timedelta(days=365)).replace(day=1)
    sammanhang = _nod_och_period(request, standard_fran, forsta - datetime.timedelta(days=1))
    nod, fran, till, form = sammanhang["nod"], sammanhang["fran"], sammanhang["till"], sammanhang["form"]
    if nod is None:
        return render(request, "avvikelser/tratt.html", sammanhang, status=403)
    manadslista = trattmodul.hela_manader(fran, till)
    if not manadslista:
        sammanhang["fel"] = [*sammanhang["fel"], "Perioden måste omfatta minst en hel kalendermånad."]
    resultat = trattmodul.for_enheter(request.user, nod, manadslista)
    per_kategori = queries.periodstatistik(request.user, nod, fran, till).per_kategori
    per_orsak = trattmodul.per_orsak(request.user, nod, fran, till)
    if _vill_ha_excel(request) and not form.errors and manadslista:
        return trattmodul.excel_bok(
            request,
            f"analys-{fran:%Y%m%d}-{till:%Y%m%d}.xlsx",
            [
                ("Trattdiagram", *resultat.tabell()),
                _pareto_blad("Pareto kategorier", "Kategori", per_kategori, "kategori__namn"),
                _pareto_blad("Pareto orsaker", "Orsak", per_orsak, "orsak"),
            ],
            vad=f"analys {nod.namn}",
        )
    sammanhang.update(
        tratt=resultat,
        trattdiagram=resultat.diagram(),
        **_paretodiagram(per_kategori, per_orsak, fran, till),
        niva_over=trattmodul.OVER,
        niva_tyst=trattmodul.TYST,
    )
    status = 400 if (form.errors or not manadslista) else 200
    return render(request, "avvikelser/tratt.html", sammanhang, status=status)


def namnder(request):
    """Nämnderna sida vid sida för ledningen och kvalitetssamordnarna: samma indikatorer för varje nämnd under
    året och trattdiagrammet över nämnderna. Bara sammanställningar. `?format=xlsx`: tabellerna som Excel."""
    from avvikelser import tratt as trattmodul
    from avvikelser.forms import NamndjamforelseForm

    idag = timezone.localdate()
    form = NamndjamforelseForm(request.GET or None, idag=idag)
    ar = form.cleaned_data["ar"] if form.is_valid() else idag.year
    if not trattmodul.namnder_for(request.user):
        return render(request, "avvikelser/namnder.html", {"form": form, "ar": ar, "namnder": []}, status=403)
    data = trattmodul.namndjamforelse(request.user, ar, idag)
    if _vill_ha_excel(request) and not form.errors:
        return trattmodul.excel_bok(
            request,
            f"namnder-{ar}.xlsx",
            [("Nämnder", *trattmodul.namndtabell(data["rader"])), ("Trattdiagram", *data["tratt"].tabell())],
            vad=f"nämnderna sida vid sida {ar}",
        )
    return render(
        request,
        "avvikelser/namnder.html",
        {
            **data,
            "form": form,
            "ar": ar,
            "trattdiagram": data["tratt"].diagram(),
            "kolumner": trattmodul.NAMNDKOLUMNER,
        },
        status=400 if form.errors else 200,
    )


# --- klagomål och synpunkter (personal) ------------------------------------------------------------


def _klagomal_urval(request):
    filter_ = KlagomalFilterForm(request.GET or None, user=request.user)
    data = filter_.cleaned_data if filter_.is_valid() else {}
    qs = queries.klagomal_lista(
        request.user,
        status=data.get("status") or "",
        typ=data.get("typ") or "",
        tema=data.get("tema"),
        avsandartyp=data.get("avsandartyp") or "",
        fran=data.get("fran"),
        till=data.get("till"),
        enhet=data.get("enhet"),
        sortera=data.get("sortera") or "-inkommet",
    )
    return filter_, qs


def klagomal_lista(request):
    """Klagomål och synpunkter inom scope, med samma slags filter som avvikelsekön."""
    filter_, qs = _klagomal_urval(request)
    sida = BegransadPaginator(qs, 25).get_page(request.GET.get("sida"))
    return render(request, "avvikelser/klagomal_lista.html", {"sida": sida, "filter": filter_})


def klagomal_export(request):
    """Listan som Excel (samma filter och scope), strömmande. Klagomålen pekar inte ut någon enskild, så
    exporten loggas i applikationsloggen (användare och filter), inte per enskild."""
    filter_, qs = _klagomal_urval(request)
    return excel_bok(
        request,
        "klagomal.xlsx",
        [("Klagomål", queries.KLAGOMAL_RUBRIKER, queries.klagomal_exportrader(qs[:EXPORT_MAX]))],
        vad="klagomål och synpunkter",
        logg="avvikelser.export",
    )


def klagomal_registrera(request):
    form = KlagomalForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        k = services.klagomal_registrera(klagomal=form.save(commit=False), av=request.user)
        messages.success(request, f"Registrerat med referensnummer {k.referensnummer}.")
        return redirect("avvikelser:klagomal")
    return render(request, "avvikelser/klagomal_form.html", {"form": form})


def _klagomal(request, pk, atgard=access.LASA):
    return access.hamta(request.user, Klagomal.objects.select_related("enhet", "tema"), atgard, pk=pk)


def klagomal_detalj(request, pk):
    """Ärendet, dess åtgärder och tidslinje; POST avslutar (återkoppling och avklarade åtgärder krävs)."""
    if request.method != "POST":
        return _klagomal_detalj(request, _klagomal(request, pk))
    k = _klagomal(request, pk, access.ANDRA)
    return arende_vyer.utfor(
        request,
        AvslutaKlagomalForm(request.POST),
        spara=lambda data: services.klagomal_avsluta(klagomal=k, av=request.user, **data),
        visa=lambda form, fel: _klagomal_detalj(request, k, form=form, fel=fel),
        klart="Ärendet är avslutat.",
        till=("avvikelser:klagomal_detalj", pk),
    )


def _klagomal_detalj(request, k, *, form=None, fel="", tema_form=None, atgard_form=None, uppfoljning=None):
    kan_andra = access.kan(request.user, k, access.ANDRA)
    kan_skriva = kan_andra and far_andras(k)
    atgarder = arende_vyer.med_uppfoljning(k.atgarder.select_related("ansvarig"), uppfoljning)
    losa = arende_vyer.los_uppfoljning(atgarder, uppfoljning)
    return render(
        request,
        "avvikelser/klagomal_detalj.html",
        {
            "k": k,
            "form": form or AvslutaKlagomalForm(),
            "fel": fel,
            "kan_andra": kan_andra,
            "kan_skriva": kan_skriva,
            "atgarder": atgarder,
            "los_uppfoljning": losa,
            "atgard_form": atgard_form or (KlagomalAtgardForm(klagomal=k) if kan_skriva else None),
            "oppna_form": OppnaIgenForm(),
            "effekt_fraga": EFFEKT_FRAGA,
            "handelser": k.handelser.select_related("av"),
            "tema_form": tema_form or (KlagomalTemaForm(instance=k) if kan_skriva else None),
        },
        status=400 if fel or (tema_form is not None and tema_form.errors) else 200,
    )


@require_POST
def klagomal_atgard(request, pk):
    k = _klagomal(request, pk, access.ANDRA)
    return arende_vyer.atgard_lagg_till(
        request,
        form=KlagomalAtgardForm(request.POST, klagomal=k),
        ny=lambda data: KlagomalAtgard(klagomal=k, **data),
        tjanst=services.klagomal_atgard_lagg_till,
        visa=lambda form, fel: _klagomal_detalj(request, k, atgard_form=form, fel=fel),
        till=("avvikelser:klagomal_detalj", pk),
    )


@require_POST
def klagomal_atgard_folj_upp(request, pk):
    """Markerar en åtgärd genomförd med effektbedömning, eller stryker den med motivering."""
    k = _klagomal(request, pk, access.ANDRA)
    return arende_vyer.atgard_folj_upp(
        request,
        hamta_atgard=lambda id_: access.hamta(request.user, KlagomalAtgard, access.ANDRA, pk=id_, klagomal=k),
        tjanst=services.klagomal_atgard_folj_upp,
        visa=lambda form, fel: _klagomal_detalj(request, k, uppfoljning=form, fel=fel),
        till=("avvikelser:klagomal_detalj", pk),
    )


@require_POST
def klagomal_oppna_igen(request, pk):
    """Öppnar ett avslutat ärende igen med en motivering (i tidslinjen och historiken)."""
    k = _klagomal(request, pk, access.ANDRA)
    return arende_vyer.utfor(
        request,
        OppnaIgenForm(request.POST),
        spara=lambda data: services.klagomal_oppna_igen(klagomal=k, av=request.user, **data),
        visa=lambda form, fel: _klagomal_detalj(request, k, fel=fel),
        klart="Ärendet är öppnat igen.",
        till=("avvikelser:klagomal_detalj", pk),
        ogiltigt="Ange varför ärendet öppnas igen.",
    )


@require_POST
def klagomal_tema(request, pk):
    """Handläggaren sätter eller ändrar ärendets tema (pensionerade teman erbjuds inte)."""
    k = _klagomal(request, pk, access.ANDRA)
    return arende_vyer.utfor(
        request,
        KlagomalTemaForm(request.POST, instance=Klagomal.objects.get(pk=k.pk)),
        spara=lambda data: services.klagomal_satt_tema(
            klagomal=k, tema=data["tema"], av=request.user, version=data["version"]
        ),
        visa=lambda form, fel: _klagomal_detalj(request, k, tema_form=form, fel=fel),
        # Det valda temat står kvar; det sparade visas på sidan (Tema ovan).
        vid_krock=lambda form, fel: _klagomal_detalj(
            request, _klagomal(request, pk), tema_form=form, fel=fel
        ),
        klart="Temat är sparat.",
        till=("avvikelser:klagomal_detalj", pk),
    )
