"""Tunna vyer: hämta inom scope, validera formuläret, anropa en tjänst, rendera."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kvalitet import access
from kvalitet.audit import logga_visning
from kvalitet.export import csv_svar
from kvalitet.paginering import BegransadPaginator
from kvalitet.samtidighet import Krock, sparat_nu
from uppfoljning import queries, services
from uppfoljning.forms import (
    ArendeForm,
    AvbrottForm,
    BedomningForm,
    BeslutForm,
    CitatForm,
    FleraKontakterForm,
    ForandringAndraForm,
    ForandringForm,
    KontaktForm,
    KvartalForm,
    TackningForm,
    UppfoljningForm,
    UrvalBekraftaForm,
    UrvalForm,
)
from uppfoljning.models import EjVerkstalltBeslut, Forandring, Individrapport, Kontakt, Uppfoljningsarende


def _fel(form, fel: ValidationError):
    if hasattr(fel, "error_dict"):
        for falt, lista in fel.message_dict.items():
            form.add_error(falt if falt in form.fields else None, lista)
    else:
        form.add_error(None, fel.messages)


def index(request):
    if access.kan_sida(request.user, "uppfoljning.mina_arenden"):
        return redirect("uppfoljning:mina")
    if access.kan_sida(request.user, "uppfoljning.oversikt"):
        return redirect("uppfoljning:tackning")
    return redirect("uppfoljning:forandringar")


def forandringar(request):
    sida = BegransadPaginator(queries.forandringar(request.user), 25).get_page(request.GET.get("sida"))
    return render(request, "uppfoljning/forandringar.html", {"sida": sida})


@access.sida("uppfoljning.registrera_forandring")
def forandring_ny(request):
    form = ForandringForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            forandring = services.forandring_registrera(
                forandring=form.save(commit=False), enheter=form.cleaned_data["enheter"], av=request.user
            )
        except ValidationError as fel:
            _fel(form, fel)
        else:
            messages.success(request, "Förändringen är registrerad. Välj nu vilka som berörs.")
            return redirect("uppfoljning:forandring", pk=forandring.pk)
    return render(request, "uppfoljning/forandring_form.html", {"form": form})


def _forandring_sida(request, forandring, *, urval=None, kontakter=None, status=200):
    """Förändringens sida: beskrivningen, urvalet, de berörda (med kryssrutor för en gemensam kontakt)
    och historiken med rättelser och bortval. Varje namn som visas loggas."""
    kan_andra = access.kan(request.user, forandring, access.ANDRA)
    sida = BegransadPaginator(queries.arenden(request.user, forandring=forandring), 50).get_page(
        request.GET.get("sida")
    )
    historik = queries.forandring_historik(request.user, forandring)
    for h in historik:
        if "brukare" in h:
            h["namn"] = access.brukare_visningsnamn(request.user, h["brukare"])
    logga_visning(
        request,
        [a.brukare_id for a in sida] + [h["brukare"].pk for h in historik if "brukare" in h],
        "uppfoljning: förändringens berörda",
    )
    kan_kontakt = kan_andra and access.kan_sida(request.user, "uppfoljning.registrera_forandring")
    return render(
        request,
        "uppfoljning/forandring_detalj.html",
        {
            "forandring": forandring,
            "sida": sida,
            "kan_andra": kan_andra,
            "urval": (urval or UrvalForm()) if kan_andra else None,
            "kontakter": (kontakter or _flera_kontakter_form(request.user, forandring))
            if kan_kontakt
            else None,
            "historik": historik,
            "valda_arenden": set(kontakter.data.getlist("flera-arenden")) if kontakter else set(),
        },
        status=status,
    )


def _flera_kontakter_form(user, forandring, data=None):
    arenden = access.scope(user, Uppfoljningsarende, access.ANDRA).filter(forandring=forandring)
    return FleraKontakterForm(data, arenden=arenden)


# Det förändringens sidor visar om den, hämtat i samma fråga.
_FORANDRING = Forandring.objects.select_related("nod", "insatstyp", "riskanalys")


def forandring_detalj(request, pk):
    return _forandring_sida(request, access.hamta(request.user, _FORANDRING, pk=pk))


@access.sida("uppfoljning.registrera_forandring")
def forandring_urval(request, pk):
    """Urvalet i två steg. GET med ett datum visar vilka som skulle beröras (ingenting sparas, och
    bakåtknappen fungerar eftersom datumet står i adressen); POST från förhandsvisningen skapar ärenden
    för dem som fortfarande är ikryssade och sparar bortvalen med skäl."""
    forandring = access.hamta(request.user, _FORANDRING, access.ANDRA, pk=pk)
    if request.method == "POST":
        form = UrvalBekraftaForm(request.POST)
        if not form.is_valid():
            if "datum" in form.errors:
                return _forandring_sida(request, forandring, urval=UrvalForm(request.POST), status=400)
            return _urval_forhandsvisning(request, forandring, form, status=400)
        d = form.cleaned_data
        try:
            antal = services.berorda_valj(
                forandring=forandring,
                datum=d["datum"],
                av=request.user,
                visade=set(d["visade"]),
                valda=set(d["valda"]),
                skal=d["skal"],
            )
        except ValidationError as fel:
            _fel(form, fel)
            return _urval_forhandsvisning(request, forandring, form, status=400)
        bortvalda = len(set(d["visade"]) - set(d["valda"]))
        text = f"{antal} nya berörda ärenden skapades."
        if bortvalda:
            text += f" {bortvalda} valdes bort; det står i förändringens historik."
        messages.success(request, text)
        return redirect("uppfoljning:forandring", pk=pk)
    urval = UrvalForm(request.GET)
    if not urval.is_valid():
        return _forandring_sida(request, forandring, urval=urval, status=400)
    form = UrvalBekraftaForm(initial={"datum": urval.cleaned_data["datum"]})
    return _urval_forhandsvisning(request, forandring, form, datum=urval.cleaned_data["datum"])


def _urval_forhandsvisning(request, forandring, form, *, datum=None, status=200):
    """Förhandsvisningen: urvalet som det ser ut nu, ikryssat utom dem användaren redan kryssat ur."""
    datum = datum or form.cleaned_data["datum"]
    rader = queries.berorda_forhandsvisning(forandring, datum)
    if form.is_bound:
        # Det användaren kryssat ur står kvar; den som tillkommit sedan förhandsvisningen är ikryssad.
        visade = set(form.cleaned_data.get("visade", []))
        valda = set(form.cleaned_data.get("valda", [])) | {b.pk for b, _enhet in rader if b.pk not in visade}
    else:
        valda = None
    logga_visning(request, [b for b, _enhet in rader], "uppfoljning: förhandsvisning av urval")
    return render(
        request,
        "uppfoljning/forandring_urval.html",
        {
            "forandring": forandring,
            "form": form,
            "datum": datum,
            "rader": [
                (b, access.brukare_visningsnamn(request.user, b), enhet, valda is None or b.pk in valda)
                for b, enhet in rader
            ],
        },
        status=status,
    )


@access.sida("uppfoljning.registrera_forandring")
def forandring_andra(request, pk):
    """Rättelse av förändringens beskrivning, mot versionen (kvalitet.samtidighet), med historik."""
    forandring = access.hamta(request.user, _FORANDRING, access.ANDRA, pk=pk)
    form = ForandringAndraForm(request.POST or None, instance=forandring, user=request.user)
    sparat = None
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.forandring_andra(
                    forandring=forandring,
                    av=request.user,
                    version=d["version"],
                    **{f: d[f] for f in services.RATTELSEFALT},
                )
            except Krock as krock:
                form.efter_krock(krock)
                sparat = sparat_nu(form, Forandring.objects.get(pk=forandring.pk))
            except ValidationError as fel:
                _fel(form, fel)
            else:
                messages.success(request, "Förändringen är rättad. Ändringen står i historiken.")
                return redirect("uppfoljning:forandring", pk=pk)
    return render(
        request,
        "uppfoljning/forandring_andra.html",
        {"forandring": forandring, "form": form, "sparat_nu": sparat},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@access.sida("uppfoljning.registrera_forandring")
def forandring_kontakter(request, pk):
    """En kontakt (till exempel ett brev till alla) loggad i vart och ett av de ikryssade ärendena."""
    forandring = access.hamta(request.user, _FORANDRING, access.ANDRA, pk=pk)
    form = _flera_kontakter_form(request.user, forandring, request.POST)
    if form.is_valid():
        arenden = list(form.cleaned_data["arenden"])
        try:
            services.kontakter_registrera(arenden=arenden, av=request.user, **form.falt())
        except ValidationError as fel:
            _fel(form, fel)
        else:
            messages.success(request, f"Kontakten är loggad i {len(arenden)} ärenden.")
            return redirect("uppfoljning:forandring", pk=pk)
    return _forandring_sida(request, forandring, kontakter=form, status=400)


@access.sida("uppfoljning.nytt_arende")
def arende_ny(request):
    form = ArendeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            arende = services.arende_skapa(
                brukare=form.cleaned_data["brukare"],
                forandring=form.cleaned_data["forandring"],
                egen_typ=form.cleaned_data["egen_typ"],
                insats=form.cleaned_data.get("insats"),
                eget_val_datum=form.cleaned_data.get("eget_val_datum"),
                av=request.user,
            )
        except ValidationError as fel:
            _fel(form, fel)
        else:
            return redirect("uppfoljning:arende", pk=arende.pk)
    return render(request, "uppfoljning/arende_ny.html", {"form": form})


def _arende_sida(request, arende, *, kontakt=None, bedomning=None, uppfoljning=None, status=200):
    kan_andra = access.kan(request.user, arende, access.ANDRA)
    logga_visning(request, arende.brukare, "uppfoljning: ärende")
    if bedomning is None:
        bedomning = BedomningForm(
            initial={
                "behov": arende.behov,
                "behov_bedomt": arende.behov_bedomt,
                "atgarder_behovs": {True: "true", False: "false"}.get(arende.atgarder_behovs, ""),
                "atgarder": arende.atgarder,
                "uppfoljning_planerad": arende.uppfoljning_planerad,
            },
            version=arende.version,
        )
    return render(
        request,
        "uppfoljning/arende.html",
        {
            "arende": arende,
            "namn": access.brukare_visningsnamn(request.user, arende.brukare),
            "kontakter": arende.kontakter.select_related("gjord_av"),
            "kan_andra": kan_andra,
            "kontakt_form": kontakt or KontaktForm(),
            "bedomning_form": bedomning,
            "uppfoljning_form": uppfoljning
            or UppfoljningForm(
                initial={
                    "uppfoljning_gjord": arende.uppfoljning_gjord,
                    "utfall": arende.utfall,
                    "fortsattning": arende.fortsattning,
                    "utan_kontakt": arende.uppfoljd_utan_kontakt,
                },
                version=arende.version,
            ),
        },
        status=status,
    )


def _arende(request, pk, atgard=access.LASA):
    return access.hamta(
        request.user,
        Uppfoljningsarende.objects.select_related(
            "brukare", "forandring", "handlaggare", "nod", "insats__typ", "insats__enhet"
        ),
        atgard,
        pk=pk,
    )


def arende(request, pk):
    return _arende_sida(request, _arende(request, pk))


@require_POST
def arende_kontakt(request, pk):
    arende = _arende(request, pk, access.ANDRA)
    form = KontaktForm(request.POST, instance=Kontakt(arende=arende))
    if form.is_valid():
        try:
            services.kontakt_registrera(kontakt=form.save(commit=False), av=request.user)
        except ValidationError as fel:
            _fel(form, fel)
        else:
            messages.success(request, "Kontakten är loggad.")
            return redirect("uppfoljning:arende", pk=pk)
    return _arende_sida(request, arende, kontakt=form, status=400)


@require_POST
def arende_bedom(request, pk):
    arende = _arende(request, pk, access.ANDRA)
    form = BedomningForm(request.POST)
    if form.is_valid():
        try:
            services.arende_bedom(arende=arende, av=request.user, **form.cleaned_data)
        except Krock as krock:
            form.efter_krock(krock)  # det sparade står överst på sidan
        except ValidationError as fel:
            _fel(form, fel)
        else:
            messages.success(request, "Bedömningen är sparad.")
            return redirect("uppfoljning:arende", pk=pk)
    return _arende_sida(request, arende, bedomning=form, status=400)


@require_POST
def arende_folj_upp(request, pk):
    arende = _arende(request, pk, access.ANDRA)
    form = UppfoljningForm(request.POST)
    if form.is_valid():
        try:
            d = form.cleaned_data
            services.arende_folj_upp(
                arende=arende,
                av=request.user,
                uppfoljning_gjord=d["uppfoljning_gjord"],
                utfall=d["utfall"],
                fortsattning=d["fortsattning"],
                utan_kontakt=d["utan_kontakt"],
                rost=form.rost(),
                version=d["version"],
            )
        except Krock as krock:
            form.efter_krock(krock)  # det sparade står överst på sidan
        except ValidationError as fel:
            _fel(form, fel)
        else:
            messages.success(request, "Uppföljningen är registrerad.")
            return redirect("uppfoljning:arende", pk=pk)
    return _arende_sida(request, arende, uppfoljning=form, status=400)


def mina(request):
    """Handläggarens ärendelista med vad som fattas för varje person."""
    sida = BegransadPaginator(queries.mina_arenden(request.user), 50).get_page(request.GET.get("sida"))
    logga_visning(request, [a.brukare_id for a in sida], "uppfoljning: mina ärenden")
    rader = [(a, access.brukare_visningsnamn(request.user, a.brukare), a.saknas()) for a in sida]
    return render(request, "uppfoljning/mina.html", {"sida": sida, "rader": rader})


def _vald_nod(request, form):
    if form.is_valid() and form.cleaned_data.get("nod"):
        return form.cleaned_data["nod"], form.cleaned_data.get("fran"), form.cleaned_data.get("till")
    nod = form.fields["nod"].queryset.first()
    return nod, None, None


def tackning(request):
    """Översikten: IVO:s frågor som tal, nämnderna sida vid sida, med länkar till personerna bakom luckorna."""
    form = TackningForm(request.GET or None, user=request.user)
    nod, fran, till = _vald_nod(request, form)
    summa = queries.tackning(request.user, nod, fran, till) if nod else None
    per_namnd = queries.tackning_per_namnd(request.user, nod, fran, till) if nod else []
    rost = queries.enskildas_rost(request.user, nod, fran, till) if nod else None
    return render(
        request,
        "uppfoljning/tackning.html",
        {
            "form": form,
            "nod": nod,
            "summa": summa,
            "per_namnd": per_namnd,
            "rost": rost,
            "rost_per": [("Nämnd", rost["per_namnd"]), ("Verksamhetsområde", rost["per_omrade"])]
            if rost
            else [],
            "kan_borra": access.kan_sida(request.user, "uppfoljning.personer"),
            "kan_valja_citat": access.har_roll(request.user, access.KVALITETSSAMORDNARE),
        },
    )


def _citatsida(request, *, status=200, fel_form=None, fel_pk=None):
    form = TackningForm(request.GET or None, user=request.user)
    nod, fran, till = _vald_nod(request, form)
    kontakter = queries.citat_att_valja(request.user, nod, fran, till) if nod else Kontakt.objects.none()
    sida = BegransadPaginator(kontakter, 50).get_page(request.GET.get("sida"))
    # Inga namn på sidan; citaten är ändå uppgifter om enskilda, så visningen loggas.
    logga_visning(request, [k.arende.brukare_id for k in sida], "uppfoljning: citat att välja")
    rader = [
        (
            k,
            fel_form
            if fel_pk == k.pk
            else CitatForm(initial={"valt": "0" if k.citat_valt else "1"}, version=k.version),
        )
        for k in sida
    ]
    return render(
        request,
        "uppfoljning/citat.html",
        {"form": form, "nod": nod, "sida": sida, "rader": rader},
        status=status,
    )


def citat(request):
    """Samordnarens val av den enskildes ord till kvalitetsberättelsen (utan namn)."""
    if not access.har_roll(request.user, access.KVALITETSSAMORDNARE):
        raise Http404
    return _citatsida(request)


@require_POST
def citat_valj(request, pk):
    if not access.har_roll(request.user, access.KVALITETSSAMORDNARE):
        raise Http404
    kontakt = access.hamta(request.user, Kontakt.objects.select_related("arende"), pk=pk)
    form = CitatForm(request.POST)
    if form.is_valid():
        try:
            services.citat_valj(
                kontakt=kontakt,
                av=request.user,
                valt=form.cleaned_data["valt"],
                version=form.cleaned_data["version"],
            )
        except Krock as krock:
            form.efter_krock(krock)
        except ValidationError as fel:
            _fel(form, fel)
        else:
            messages.success(
                request,
                "Citatet är valt till kvalitetsberättelsen."
                if form.cleaned_data["valt"]
                else "Citatet är bortvalt.",
            )
            return redirect(f"{reverse('uppfoljning:citat')}?{request.GET.urlencode()}")
    return _citatsida(request, status=400, fel_form=form, fel_pk=kontakt.pk)


def tackning_brist(request, brist):
    """Personerna bakom en lucka på översikten (bara för dem som får se personuppgifter)."""
    if brist not in queries.BRISTER:
        raise Http404
    form = TackningForm(request.GET or None, user=request.user)
    nod, fran, till = _vald_nod(request, form)
    if nod is None:
        raise Http404
    qs = queries.arenden(request.user, nod=nod, brist=brist, fran=fran, till=till)
    sida = BegransadPaginator(qs, 50).get_page(request.GET.get("sida"))
    logga_visning(request, [a.brukare_id for a in sida], f"uppfoljning: lucka {brist}")
    rader = [(a, access.brukare_visningsnamn(request.user, a.brukare), a.saknas()) for a in sida]
    return render(
        request,
        "uppfoljning/brist.html",
        {"sida": sida, "rader": rader, "nod": nod, "brist": brist, "form": form},
    )


def ivo_export(request):
    """Svar på IVO:s begäran om upplysningar: per nämnd och fråga Ja/Nej med antal och skäl (CSV)."""
    form = TackningForm(request.GET or None, user=request.user)
    nod, fran, till = _vald_nod(request, form)
    if nod is None:
        raise Http404
    return csv_svar(
        filnamn="ivo-svar.csv",
        rubriker=["Nämnd", "Fråga", "Svar", "Antal", "Berörda", "Skäl"],
        rader=(
            [rad["namnd"], rad["fraga"], rad["svar"], rad["antal"], rad["berorda"], rad["skal"]]
            for rad in queries.ivo_svar(request.user, nod, fran, till)
        ),
    )


# --- ej verkställda beslut ---------------------------------------------------------------------------


def ej_verkstallda(request):
    oppna = request.GET.get("alla") != "1"
    sida = BegransadPaginator(queries.ej_verkstallda(request.user, oppna=oppna), 50).get_page(
        request.GET.get("sida")
    )
    logga_visning(request, [b.brukare_id for b in sida], "uppfoljning: ej verkställda beslut")
    rader = [(b, access.brukare_visningsnamn(request.user, b.brukare)) for b in sida]
    return render(
        request,
        "uppfoljning/ej_verkstallda.html",
        {
            "sida": sida,
            "rader": rader,
            "oppna": oppna,
            "kvartal": KvartalForm(user=request.user),
            "individrapporter": queries.individrapporter_per_kvartal(request.user),
        },
    )


def beslut(request, pk):
    beslut = access.hamta(
        request.user, EjVerkstalltBeslut.objects.select_related("brukare", "insats__typ"), pk=pk
    )
    kan_andra = access.kan(request.user, beslut, access.ANDRA)
    form = BeslutForm(request.POST or None, instance=beslut)
    sparat = None
    if request.method == "POST":
        if not kan_andra:
            raise Http404
        if form.is_valid():
            try:
                services.beslut_dokumentera(beslut=beslut, av=request.user, **form.cleaned_data)
            except Krock as krock:
                form.efter_krock(krock)
                sparat = sparat_nu(form, EjVerkstalltBeslut.objects.get(pk=beslut.pk))
            except ValidationError as fel:
                _fel(form, fel)
            else:
                messages.success(request, "Dokumentationen är sparad.")
                return redirect("uppfoljning:beslut", pk=pk)
    logga_visning(request, beslut.brukare, "uppfoljning: ej verkställt beslut")
    return render(
        request,
        "uppfoljning/beslut.html",
        {
            "beslut": beslut,
            "form": form,
            "kan_andra": kan_andra,
            "namn": access.brukare_visningsnamn(request.user, beslut.brukare),
            "grans": services.tremanadersgrans(beslut.fran),
            "rapporter": beslut.rapporter.all(),
            "sparat_nu": sparat,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@access.sida("uppfoljning.individrapporter")
def individrapporter(request):
    form = KvartalForm(request.POST, user=request.user)
    if form.is_valid():
        d = form.cleaned_data
        antal = services.individrapporter_skapa(
            user=request.user, namnd=d["nod"], ar=d["ar"], kvartal=d["kvartal"]
        )
        messages.success(request, f"{antal} individrapporter skapades för kvartal {d['kvartal']} {d['ar']}.")
    else:
        messages.error(request, "Välj nämnd, år och kvartal.")
    return redirect("uppfoljning:ej_verkstallda")


def individrapporter_export(request):
    """Kvartalets individrapporter som CSV för IVO:s e-tjänst: pseudonym, inga namn."""
    try:
        ar, kvartal = int(request.GET.get("ar", "")), int(request.GET.get("kvartal", ""))
    except ValueError:
        raise Http404 from None
    rapporter = access.scope(request.user, Individrapport).filter(ar=ar, kvartal=kvartal).order_by("pk")
    # Fälten och deras källa: uppfoljning.queries.IVO_INDIVIDRAPPORT_FALT.
    falt = [nyckel for nyckel, _ in queries.IVO_INDIVIDRAPPORT_FALT]
    return csv_svar(
        filnamn=f"individrapporter-{ar}-Q{kvartal}.csv",
        rubriker=falt,
        rader=([r.data.get(f, "") for f in falt] for r in rapporter),
    )


def sammanstallning(request):
    """Per lag och insatstyp med föregående år inom parentes, och dagar väntat per ärende."""
    form = TackningForm(request.GET or None, user=request.user)
    nod, _fran, _till = _vald_nod(request, form)
    try:
        ar = int(request.GET.get("ar") or 0) or None
    except ValueError:
        ar = None
    ar = ar if ar and 2000 <= ar <= 2100 else timezone.localdate().year
    tabell = queries.ej_verkstallda_per_lag_och_typ(request.user, nod, ar) if nod else []
    vantan = queries.vantetider(request.user, nod)[:200] if nod else []
    return render(
        request,
        "uppfoljning/sammanstallning.html",
        {"form": form, "nod": nod, "ar": ar, "tabell": tabell, "vantan": vantan},
    )


@access.sida("uppfoljning.registrera_avbrott")
def avbrott_ny(request):
    """Registrera ett avbrott i en verkställd insats (rapporteras om det inte återupptas inom tre månader)."""
    form = AvbrottForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            beslut = services.avbrott_registrera(
                insats=form.cleaned_data["insats"], fran=form.cleaned_data["fran"], av=request.user
            )
        except ValidationError as fel:
            _fel(form, fel)
        else:
            messages.success(request, "Avbrottet är registrerat.")
            return redirect("uppfoljning:beslut", pk=beslut.pk)
    return render(request, "uppfoljning/avbrott_ny.html", {"form": form})
