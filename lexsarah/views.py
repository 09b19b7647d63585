"""Tunna vyer: hämta inom scope, validera formuläret, anropa en tjänst, rendera."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from kvalitet import access, arende_vyer
from kvalitet.arende import EFFEKT_FRAGA, Effekt, far_andras
from kvalitet.audit import logga_visning
from kvalitet.bilagor import bilagesvar
from kvalitet.export import excel_svar
from kvalitet.paginering import BegransadPaginator
from kvalitet.samtidighet import sparat_nu
from kvalitet.session import rensa_utkast
from lexsarah import queries, services
from lexsarah.forms import (
    AtgardForm,
    BedomningForm,
    BerordaForm,
    BilagaForm,
    IvoAnmalanForm,
    IvoForm,
    KommentarForm,
    PreliminartForm,
    RapportForm,
    RegisterForm,
    StatusForm,
    UppfoljningForm,
    UtredningForm,
)
from lexsarah.models import Atgard, Bilaga, Rapport, Status


def _ovriga_ids(rapport_ids) -> list[int]:
    """Övriga berörda enskilda för flera ärenden, i en fråga (för åtkomstloggen)."""
    genom = Rapport.ovriga_brukare.through
    return list(genom.objects.filter(rapport_id__in=rapport_ids).values_list("brukare_id", flat=True))


def _hamta_innehall(request, pk):
    return access.hamta(
        request.user,
        Rapport.objects.select_related(
            "enhet", "brukare", "rapporterad_av", "beslutad_av", "avvikelse"
        ).prefetch_related("ovriga_brukare"),
        access.LEXSARAH_INNEHALL,
        pk=pk,
    )


def index(request):
    """Ärendelistan för utredare och chefer; övriga ser sina egna rapporter."""
    if not access.kan_sida(request.user, "lexsarah.arenden"):
        return redirect("lexsarah:mina")
    status = request.GET.get("status") or ""
    sida = BegransadPaginator(queries.lista(request.user, status=status), 25).get_page(
        request.GET.get("sida")
    )
    ids = [r.brukare_id for r in sida if r.brukare_id] + _ovriga_ids([r.pk for r in sida])
    logga_visning(request, ids, "lex Sarah: lista")
    return render(
        request, "lexsarah/index.html", {"sida": sida, "status": status, "statusar": Status.choices}
    )


def mina(request):
    sida = BegransadPaginator(queries.mina_rapporter(request.user), 25).get_page(request.GET.get("sida"))
    return render(request, "lexsarah/mina.html", {"sida": sida})


def rapportera(request):
    form = RapportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            rapport = services.rapport_lamna(
                rapport=form.save(commit=False),
                av=request.user,
                ovriga_brukare=form.cleaned_data["ovriga_brukare"],
                inlamningsnyckel=form.cleaned_data.get("inlamningsnyckel"),
            )
        except ValidationError as fel:
            form.add_error(None, fel)
        else:
            rensa_utkast(request, "lexsarah-rapport")
            messages.success(
                request,
                f"Tack! Rapporten har referensnummer {rapport.referensnummer}. "
                "Utredarna och chefen har meddelats.",
            )
            return redirect("lexsarah:mina")
    return render(request, "lexsarah/rapportera.html", {"form": form})


def detalj(request, pk):
    rapport = access.hamta(request.user, Rapport.objects.select_related("enhet", "brukare"), pk=pk)
    if not access.kan(request.user, rapport, access.LEXSARAH_INNEHALL):
        # Rapportören ser bara referensnummer och status på sin egen rapport.
        return render(request, "lexsarah/status.html", {"r": rapport})
    return _detalj(request, _hamta_innehall(request, pk))


def _detalj(request, rapport, **formular):
    utredare = access.lexsarah_ar_utredare(request.user, rapport)
    enskilda = rapport.berorda()
    logga_visning(request, enskilda, "lex Sarah: ärende")
    bedomning_initial = {
        "konsekvens": rapport.konsekvens,
        "sannolikhet": rapport.sannolikhet,
        "beslut": rapport.beslut,
        "allvarligt": {True: "ja", False: "nej"}.get(rapport.allvarligt, ""),
        "motivering": rapport.motivering,
    }
    kontext = {
        "r": rapport,
        "kan_skriva": far_andras(rapport),
        "effekt_val": Effekt.choices,
        "effekt_fraga": EFFEKT_FRAGA,
        "ovriga": [b for b in enskilda if b.pk != rapport.brukare_id],
        "utredare": utredare,
        "berorda_form": formular.get("berorda_form")
        or (BerordaForm(instance=rapport, user=request.user) if utredare else None),
        "overgangar": sorted(services.OVERGANGAR.get(rapport.status, ())),
        "status_etiketter": dict(Status.choices),
        "atgarder": rapport.atgarder.select_related("ansvarig"),
        "handelser": rapport.handelser.select_related("av"),
        "utredning_form": formular.get("utredning_form") or UtredningForm(instance=rapport),
        "bedomning_form": formular.get("bedomning_form")
        or BedomningForm(initial=bedomning_initial, version=rapport.version),
        "preliminart_form": formular.get("preliminart_form") or PreliminartForm(),
        "ivo_anmalan_form": formular.get("ivo_anmalan_form")
        or IvoAnmalanForm(initial={"skickad": timezone.localdate()}),
        "ivo_form": formular.get("ivo_form") or IvoForm(instance=rapport),
        "atgard_form": formular.get("atgard_form") or AtgardForm(rapport=rapport),
        "uppfoljning_form": formular.get("uppfoljning_form"),
        "kommentar_form": formular.get("kommentar_form") or KommentarForm(),
        "bilagor": rapport.bilagor.all(),
        "bilaga_form": formular.get("bilaga_form") or BilagaForm(),
        "fel": formular.get("fel", ""),
        "sparat_nu": formular.get("sparat_nu"),
        "lagrum": settings.LEXSARAH_LAGRUM,
    }
    return render(request, "lexsarah/detalj.html", kontext, status=400 if formular else 200)


def _andra(request, pk):
    return access.hamta(
        request.user,
        Rapport.objects.select_related(
            "enhet", "brukare", "rapporterad_av", "beslutad_av", "avvikelse"
        ).prefetch_related("ovriga_brukare"),
        access.ANDRA,
        pk=pk,
    )


def _utfor(request, rapport, nyckel, form, spara, klart, ogiltigt=arende_vyer.OGILTIGT, sparad=None):
    """En POST-åtgärd på ärendets sida (kvalitet.arende_vyer): vid fel ärendesidan med formuläret under
    `nyckel` och ett meddelande; efter en krock också det som är sparat nu (ärendet, eller `sparad()`)."""

    def vid_krock(form, fel):
        aktuell = _hamta_innehall(request, rapport.pk)
        post = sparad() if sparad else aktuell
        return _detalj(request, aktuell, **{nyckel: form}, fel=fel, sparat_nu=sparat_nu(form, post))

    return arende_vyer.utfor(
        request,
        form,
        spara=spara,
        visa=lambda form, fel: _detalj(request, rapport, **{nyckel: form}, fel=fel),
        vid_krock=vid_krock,
        klart=klart,
        till=rapport,
        ogiltigt=ogiltigt,
    )


def _enkel_vy(nyckel, formular, tjanst, klart, ogiltigt=arende_vyer.OGILTIGT):
    """En POST-åtgärd där tjänsten tar formulärets fält som de är: `tjanst(rapport=, av=, **data)`."""

    @require_POST
    def vy(request, pk):
        rapport = _andra(request, pk)
        spara = lambda data: tjanst(rapport=rapport, av=request.user, **data)  # noqa: E731
        return _utfor(request, rapport, nyckel, formular(request.POST), spara, klart, ogiltigt=ogiltigt)

    return vy


bedomning = _enkel_vy("bedomning_form", BedomningForm, services.bedom, "Bedömningen är sparad.")
preliminart = _enkel_vy(
    "preliminart_form",
    PreliminartForm,
    services.markera_allvarligt_preliminart,
    "Ärendet är markerat som allvarligt och kan anmälas till IVO.",
)
ivo_anmal = _enkel_vy(
    "ivo_anmalan_form", IvoAnmalanForm, services.anmal_till_ivo, "Anmälan till IVO är registrerad."
)
byt_status = _enkel_vy(
    "status_form", StatusForm, services.byt_status, "Statusen är ändrad.", ogiltigt="Välj en giltig status."
)


def _uppgiftsvy(nyckel, formklass, tjanst, klart):
    """Ärendets uppgifter i ett ModelForm (utredningen, IVO-uppgifterna), sparade mot formulärets version."""

    @require_POST
    def vy(request, pk):
        rapport = _andra(request, pk)
        form = formklass(request.POST, instance=Rapport.objects.get(pk=rapport.pk))

        def spara(data):
            falt = {f: data[f] for f in formklass.Meta.fields}
            tjanst(rapport=rapport, av=request.user, version=data["version"], **falt)

        return _utfor(request, rapport, nyckel, form, spara, klart)

    return vy


utredning = _uppgiftsvy("utredning_form", UtredningForm, services.utredning_spara, "Utredningen är sparad.")
ivo = _uppgiftsvy("ivo_form", IvoForm, services.ivo_uppdatera, "Uppgifterna om anmälan är sparade.")


@require_POST
def berorda(request, pk):
    """Utredaren ändrar vilka enskilda ärendet berör (samma urval som i rapportformuläret)."""
    rapport = _andra(request, pk)
    return _utfor(
        request,
        rapport,
        "berorda_form",
        BerordaForm(request.POST, instance=Rapport.objects.get(pk=rapport.pk), user=request.user),
        lambda data: services.berorda_spara(
            rapport=rapport,
            av=request.user,
            brukare=data["brukare"],
            ovriga_brukare=data["ovriga_brukare"],
            version=data["version"],
        ),
        "De berörda enskilda är sparade.",
    )


@require_POST
def atgard(request, pk):
    rapport = _andra(request, pk)
    form = AtgardForm(request.POST, rapport=rapport)

    def spara(data):
        ny = form.save(commit=False)
        ny.rapport = rapport
        services.atgard_spara(atgard=ny, av=request.user)

    return _utfor(request, rapport, "atgard_form", form, spara, "Åtgärden är tillagd.")


@require_POST
def uppfoljning(request, pk):
    rapport = _andra(request, pk)
    form = UppfoljningForm(request.POST)
    valt = {}

    def spara(data):
        valt["atgard"] = access.hamta(request.user, Atgard, access.ANDRA, pk=data["atgard"], rapport=rapport)
        services.atgard_folj_upp(
            atgard=valt["atgard"],
            av=request.user,
            **{f: data[f] for f in ("datum", "resultat", "version", "effekt_bedomning", "struken")},
        )

    return _utfor(
        request,
        rapport,
        "uppfoljning_form",
        form,
        spara,
        "Uppföljningen är sparad.",
        ogiltigt="Ange datum, effekt och resultat för uppföljningen, eller stryk åtgärden med en motivering.",
        sparad=lambda: Atgard.objects.get(pk=valt["atgard"].pk),
    )


@require_POST
def kommentar(request, pk):
    rapport = _hamta_innehall(request, pk)
    return _utfor(
        request,
        rapport,
        "kommentar_form",
        KommentarForm(request.POST),
        lambda data: services.kommentera(rapport=rapport, av=request.user, text=data["text"]),
        "",
    )


def ivo_pdf(request, pk):
    """Anmälan till IVO som PDF (innehållet enligt SOSFS 2011:5), att lämna via IVO:s e-tjänst."""
    rapport = _andra(request, pk)
    if not rapport.allvarligt:
        raise Http404
    logga_visning(request, rapport.berorda(), "lex Sarah: anmälan till IVO (PDF)")
    return HttpResponse(
        ivo_dokument(request.user, rapport),
        content_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="lex-sarah-{rapport.referensnummer}.pdf"'},
    )


def ivo_dokument(user, rapport) -> bytes:
    import weasyprint

    from kvalitet.models import OrgNod

    ids = [int(x) for x in rapport.enhet.sokvag.strip("/").split("/") if x]
    html = render_to_string(
        "lexsarah/ivo_anmalan.html",
        {
            "r": rapport,
            "huvudman": settings.KOMMUN_NAMN,
            "namnd": rapport.enhet.namnd(),
            "organisation": " › ".join(
                OrgNod.objects.filter(id__in=ids).order_by("sokvag").values_list("namn", flat=True)
            ),
            "atgarder": rapport.atgarder.select_related("ansvarig"),
            "lagrum": settings.LEXSARAH_LAGRUM,
            "enskilda": [access.brukare_visningsnamn(user, b) for b in rapport.berorda()],
            "nu": timezone.localtime(),
        },
    )
    return weasyprint.HTML(string=html).write_pdf()


@access.sida("lexsarah.register")
def register(request):
    """Det årliga registret och statistiken (inga personuppgifter)."""
    form = RegisterForm(request.GET or None)
    ar = (form.cleaned_data.get("ar") if form.is_valid() else None) or timezone.localdate().year
    return render(
        request,
        "lexsarah/register.html",
        {
            "form": form,
            "ar": ar,
            "rader": queries.register(request.user, None, ar),
            "statistik": queries.statistik(request.user, None, ar),
        },
    )


@require_POST
def bilaga_ladda_upp(request, pk):
    rapport = _hamta_innehall(request, pk)
    return arende_vyer.bilaga_lagg_till(
        request,
        form=BilagaForm(request.POST, request.FILES),
        spara=lambda fil: services.bilaga_lagg_till(rapport=rapport, fil=fil, av=request.user),
        visa=lambda form, fel: _detalj(request, rapport, bilaga_form=form, fel=fel),
        till=rapport,
    )


def bilaga_hamta(request, pk):
    """Filen, bara för den som får se ärendets innehåll; visningen loggas för varje enskild ärendet gäller."""
    bilaga = access.hamta(
        request.user, Bilaga.objects.select_related("rapport"), access.LEXSARAH_INNEHALL, pk=pk
    )
    ids = _ovriga_ids([bilaga.rapport_id])
    if bilaga.rapport.brukare_id:
        ids.append(bilaga.rapport.brukare_id)
    logga_visning(request, ids, f"lex Sarah: bilaga {bilaga.pk}")
    return bilagesvar(bilaga)


@access.sida("lexsarah.register")
def register_export(request):
    """Registret som Excel: samma kolumner och scope som sidan, inga personuppgifter."""
    form = RegisterForm(request.GET or None)
    ar = (form.cleaned_data.get("ar") if form.is_valid() else None) or timezone.localdate().year
    rader = (
        [
            rad["referensnummer"],
            rad["verksamhet"],
            rad["handelse"],
            rad["bedomning"],
            {True: "Ja", False: "Nej"}.get(rad["allvarligt"], ""),
            "Ja" if rad["anmald_ivo"] else "Nej",
        ]
        for rad in queries.register(request.user, None, ar)
    )
    return excel_svar(
        filnamn=f"lex-sarah-register-{ar}.xlsx",
        bladnamn=f"Lex Sarah {ar}",
        rubriker=["Referensnummer", "Verksamhet", "Händelse", "Bedömning", "Allvarligt", "Anmäld till IVO"],
        rader=rader,
    )
