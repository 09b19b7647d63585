"""Läsningar (med åtkomst först) och sammanställningar som andra appar och rapporter anropar."""

from django.db.models import Avg, Count, F, Q
from django.urls import reverse
from django.utils import timezone

from kvalitet import access
from kvalitet.uppgifter import Uppgift
from lexsarah.models import Atgard, Beslut, Rapport, Status

OPPNA = [s for s in Status.values if s != Status.AVSLUTAD]


def _under(nod):
    """Villkor: rapportens enhet ligger under noden (eller är noden)."""
    return Q(enhet__sokvag__startswith=nod.sokvag)


def lista(user, *, status: str = "", ar: int | None = None):
    """Ärendelistan för utredare och chefer (innehåll, inte rapportörens namn)."""
    qs = access.scope(user, Rapport, access.LEXSARAH_INNEHALL).select_related("enhet")
    if status in Status.values:
        qs = qs.filter(status=status)
    if ar:
        qs = qs.filter(rapporterad__year=ar)
    return qs.order_by("-rapporterad", "-pk")


def mina_rapporter(user):
    """Rapportörens egna rapporter; vyn visar bara referensnummer och status."""
    return access.scope(user, Rapport).filter(rapporterad_av_id=user.pk).order_by("-rapporterad", "-pk")


def rapport_for_avvikelse(user, avvikelse) -> Rapport | None:
    return access.scope(user, Rapport).filter(avvikelse_id=avvikelse.pk).first()


def _statistik(user, nod, ar: int):
    qs = access.scope(user, Rapport, access.LEXSARAH_STATISTIK).filter(rapporterad__year=ar)
    if nod is not None:
        qs = qs.filter(_under(nod))
    return qs


def register(user, nod, ar: int) -> list[dict]:
    """Det årliga registret (som i kvalitetsberättelsen): inga personuppgifter, bara registerkolumnerna."""
    etiketter = dict(Beslut.choices)
    rader = []
    for r in _statistik(user, nod, ar).select_related("enhet").order_by("rapporterad", "pk"):
        rader.append(
            {
                "referensnummer": r.referensnummer,
                "verksamhet": r.enhet.namn,
                "handelse": r.sammanfattning,
                "bedomning": str(etiketter.get(r.beslut, "Ej bedömd ännu")),
                "allvarligt": r.allvarligt if r.beslutad else None,
                "anmald_ivo": r.ivo_skickad is not None,
            }
        )
    return rader


def antal_per_ar(user, nod, ar: int) -> int:
    return _statistik(user, nod, ar).count()


def statistik(user, nod, ar: int) -> dict:
    """Antal per verksamhetsområde, andel från personal och chefer, tid från rapport till bedömning."""
    qs = _statistik(user, nod, ar)
    per_omrade = list(
        qs.values(omrade=F("enhet__forelder__namn")).annotate(antal=Count("pk")).order_by("omrade")
    )
    summa = qs.aggregate(
        antal=Count("pk"),
        fran_chef=Count("pk", filter=Q(rapportor_chef=True)),
        anmalda=Count("pk", filter=Q(ivo_skickad__isnull=False)),
        tid=Avg(F("beslutad") - F("rapporterad"), filter=Q(beslutad__isnull=False)),
    )
    antal = summa["antal"] or 0
    tid = summa["tid"]
    return {
        "antal": antal,
        "per_omrade": per_omrade,
        "fran_chef": summa["fran_chef"],
        "fran_personal": antal - summa["fran_chef"],
        "andel_personal": round(100 * (antal - summa["fran_chef"]) / antal) if antal else None,
        "anmalda_ivo": summa["anmalda"],
        "dagar_till_bedomning": round(tid.total_seconds() / 86400, 1) if tid else None,
    }


def mina_uppgifter(user) -> list[Uppgift]:
    """Utredarna: ärenden som väntar på bedömning, anmälan till IVO eller uppföljning."""
    uppgifter = []
    if access.har_roll(user, access.KVALITETSSAMORDNARE):
        qs = access.scope(user, Rapport, access.ANDRA).filter(status__in=OPPNA)
        for r in qs.only("pk", "referensnummer", "status", "bedomning_senast", "allvarligt", "ivo_skickad"):
            lank = reverse("lexsarah:detalj", args=[r.pk])
            if r.status in (Status.RAPPORT, Status.UTREDNING) and not (r.allvarligt and not r.ivo_skickad):
                uppgifter.append(
                    Uppgift(
                        rubrik=f"Lex Sarah {r.referensnummer}: utred och bedöm",
                        lank=lank,
                        kalla="lexsarah",
                        forfaller=r.bedomning_senast,
                    )
                )
            elif r.allvarligt and not r.ivo_skickad:
                uppgifter.append(
                    Uppgift(
                        rubrik=f"Lex Sarah {r.referensnummer}: anmäl till IVO snarast",
                        lank=lank,
                        kalla="lexsarah",
                        forfaller=timezone.localdate(),
                    )
                )
            else:
                uppgifter.append(
                    Uppgift(
                        rubrik=f"Lex Sarah {r.referensnummer}: följ upp och avsluta",
                        lank=lank,
                        kalla="lexsarah",
                    )
                )
    # Åtgärderna den ansvariga ska göra kommer ur åtgärdsregistret (kvalitet.uppgifter), inte härifrån.
    return uppgifter


# --- startsidan (kvalitet.startsida) -------------------------------------------------------------------

# Listorna bakom rutorna (kvalitet:start_lista); säkerhetsgenomgången prövar varje nyckel för varje roll.
STARTSIDA_NYCKLAR = ("lexsarah-bedomning-forsenad", "lexsarah-ivo-ej-anmald", "lexsarah-mina-atgarder")


def _startsida_villkor() -> dict[str, Q]:
    """Utredarnas försenade steg som villkor, så att rutorna räknas i en fråga och listorna filtrerar lika."""
    return {
        # Inte bedömt fast fristen för bedömningen passerat.
        "bedomning_forsenad": Q(
            status__in=(Status.RAPPORT, Status.UTREDNING), bedomning_senast__lt=timezone.localdate()
        ),
        # Allvarligt missförhållande som ännu inte anmälts till IVO (ska ske snarast).
        "ivo_ej_anmald": Q(allvarligt=True, ivo_skickad__isnull=True) & ~Q(status=Status.AVSLUTAD),
    }


def _startsida_steg(user, villkor: str):
    return (
        access.scope(user, Rapport, access.ANDRA)
        .filter(_startsida_villkor()[villkor])
        .select_related("enhet")
        .order_by("bedomning_senast", "pk")
    )


def _startsida_mina_atgarder(user):
    """Lex Sarah-åtgärder som användaren ansvarar för och som inte följts upp (samma som bland uppgifterna)."""
    return (
        access.scope(user, Atgard)
        .filter(ansvarig_id=user.pk, uppfoljd__isnull=True)
        .exclude(rapport__status=Status.AVSLUTAD)
        .select_related("rapport__enhet")
        .order_by("klar_senast", "pk")
    )


def _rapportrad(r):
    from kvalitet.startsida import Rad

    # Aldrig rapportörens namn: bara referensnummer, status och enhet.
    return Rad(
        rubrik=f"{r.referensnummer}: {r.get_status_display().lower()}",
        lank=reverse("lexsarah:detalj", args=[r.pk]),
        datum=r.bedomning_senast,
        detalj=r.enhet.namn,
    )


def startsida_urval(user, nyckel: str):
    from kvalitet.startsida import Rad, Urval

    if nyckel == "lexsarah-bedomning-forsenad" and access.har_roll(user, access.KVALITETSSAMORDNARE):
        return Urval(
            "Lex Sarah: bedömningen är försenad", _startsida_steg(user, "bedomning_forsenad"), _rapportrad
        )
    if nyckel == "lexsarah-ivo-ej-anmald" and access.har_roll(user, access.KVALITETSSAMORDNARE):
        return Urval("Lex Sarah: ska anmälas till IVO", _startsida_steg(user, "ivo_ej_anmald"), _rapportrad)
    if nyckel == "lexsarah-mina-atgarder":
        return Urval(
            "Mina lex Sarah-åtgärder",
            _startsida_mina_atgarder(user),
            lambda a: Rad(
                rubrik=f"{a.rapport.referensnummer}: {a.text[:80]}",
                lank=reverse("lexsarah:detalj", args=[a.rapport_id]),
                datum=a.klar_senast,
                detalj=a.rapport.enhet.namn,
            ),
        )
    return None


def startsida(user):
    """Knappen till rapportformuläret (alla med en enhet att välja), försenade steg (utredarna), egna
    åtgärder (chefer), egna rapporter (personal) och antal per nämnd (ledning)."""
    from kvalitet.startsida import Bidrag, Knapp, Nyckeltal, Ruta, har_enhet, summera_per_namnd

    b = Bidrag()
    # Samma urval av enheter som formuläret (RapportForm): finns ingen kan formuläret inte skickas.
    if har_enhet(user):
        b.knappar.append(Knapp("Rapportera missförhållande – lex Sarah", reverse("lexsarah:rapportera")))
    lista_lank = "kvalitet:start_lista"
    if access.har_roll(user, access.KVALITETSSAMORDNARE):
        antal = access.scope(user, Rapport, access.ANDRA).aggregate(
            **{k: Count("pk", filter=v) for k, v in _startsida_villkor().items()}
        )
        b.rutor.append(
            Ruta(
                "Lex Sarah: bedömningen är försenad",
                antal["bedomning_forsenad"],
                reverse(lista_lank, args=["lexsarah-bedomning-forsenad"]),
                "lexsarah",
                varning=True,
            )
        )
        b.rutor.append(
            Ruta(
                "Lex Sarah: ska anmälas till IVO",
                antal["ivo_ej_anmald"],
                reverse(lista_lank, args=["lexsarah-ivo-ej-anmald"]),
                "lexsarah",
                varning=True,
            )
        )
    if access.har_roll(user, *access.CHEFER):
        b.rutor.append(
            Ruta(
                "Mina lex Sarah-åtgärder",
                _startsida_mina_atgarder(user).count(),
                reverse(lista_lank, args=["lexsarah-mina-atgarder"]),
                "lexsarah",
            )
        )
    if access.har_roll(user, access.PERSONAL):
        b.rutor.append(
            Ruta(
                "Mina lex Sarah-rapporter", mina_rapporter(user).count(), reverse("lexsarah:mina"), "lexsarah"
            )
        )
    if access.har_roll(user, access.LEDNING):
        ar = timezone.localdate().year
        rader = list(
            _statistik(user, None, ar)
            .order_by()
            .values("enhet_id")
            .annotate(n=Count("pk"), anmalda=Count("pk", filter=Q(ivo_skickad__isnull=False)))
        )
        per_enhet = {r["enhet_id"]: r["n"] for r in rader}
        anmalda = {r["enhet_id"]: r["anmalda"] for r in rader}
        lank = reverse("lexsarah:register")
        b.nyckeltal.append(Nyckeltal(f"Lex Sarah-rapporter {ar}", summera_per_namnd(user, per_enhet), lank))
        b.nyckeltal.append(Nyckeltal(f"Anmälda till IVO {ar}", summera_per_namnd(user, anmalda), lank))
    return b


def antal_for_period(user, nod, fran, till) -> dict:
    """Lex Sarah-rapporter under noden som kom in [fran, till] (lokala datum): rapporterade, bedömda och
    anmälda till IVO. Bara antal (samma urval som statistiken: chefer, kvalitetssamordnare, ledning)."""
    qs = access.scope(user, Rapport, access.LEXSARAH_STATISTIK).filter(
        _under(nod), rapporterad__date__gte=fran, rapporterad__date__lte=till
    )
    return qs.aggregate(
        rapporterade=Count("pk"),
        bedomda=Count("pk", filter=Q(beslutad__isnull=False)),
        anmalda_ivo=Count("pk", filter=Q(ivo_skickad__isnull=False)),
    )


# --- åtgärdsregistret (kvalitet.atgardsregister) ---------------------------------------------------


def atgardsregister(user, f) -> list:
    """Lex Sarah-åtgärderna för dem som får läsa ärendets innehåll (chefer vid enheten, nämndens
    kvalitetssamordnare; access-regeln för lexsarah.atgard). Raden visar referensnummer och enhet, aldrig
    rapportören eller den enskilde; rubriken är ärendets sammanfattning, som registret redan visar."""
    from kvalitet.atgardsregister import Atgardsrad, effekttext, filtrera, personnamn, status_for

    if not f.tar_med("lexsarah"):
        return []
    qs = filtrera(
        access.scope(user, Atgard, access.LEXSARAH_INNEHALL),
        f,
        nod="rapport__enhet",
        klar=Q(uppfoljd__isnull=False),
        struken=~Q(struken=""),
        klar_senast="klar_senast",
    ).select_related("rapport__enhet", "ansvarig")
    rader = []
    for a in qs:
        rader.append(
            Atgardsrad(
                kalla="lexsarah",
                pk=a.pk,
                referens=a.rapport.referensnummer,
                rubrik=a.rapport.sammanfattning,
                lank=reverse("lexsarah:detalj", args=[a.rapport_id]),
                text=a.text,
                nod_namn=a.rapport.enhet.namn,
                status=status_for(
                    klar=a.uppfoljd is not None,
                    struken=bool(a.struken),
                    klar_senast=a.klar_senast,
                    idag=f.dag,
                ),
                ansvarig_id=a.ansvarig_id,
                ansvarig_namn=personnamn(a.ansvarig),
                klar_senast=a.klar_senast,
                genomford=a.uppfoljd,
                effekt=effekttext(a.effekt_bedomning, a.resultat, a.struken),
                brukare_ids=(a.rapport.brukare_id,) if a.rapport.brukare_id else (),
                # Samma nyckel som lexsarah.services.atgard_spara:s bevakning: påminnelsen finns en gång.
                paminnelse_nyckel=f"bevakning:lexsarah:atgard:{a.pk}:forfallen" if a.ansvarig_id else "",
            )
        )
    return rader


# --- sökningen (kvalitet.sok hittar funktionen genom kvalitet.appar) -------------------------------------

# Rapportens egna textfält; rapportörens namn och de berördas namn söks aldrig (kvalitet/sok.py).
SOKFALT = (
    "sammanfattning",
    "beskrivning",
    "atgard_direkt",
    "forlopp",
    "konsekvenser",
    "orsaker",
    "motivering",
)


def sok(user, fraga: str, grans: int) -> list:
    """Lex Sarah-ärenden vars innehåll användaren får läsa (utredarna och cheferna, LEXSARAH_INNEHALL).
    Rapportören hittar inte sina egna rapporter här: hen ser bara deras status, på Mina rapporter."""
    from kvalitet import sok as sokmodul

    qs = (
        access.scope(user, Rapport, access.LEXSARAH_INNEHALL)
        .select_related("enhet", "brukare")
        .prefetch_related("ovriga_brukare")
    )
    traffar = []
    for r, rang, utdrag in sokmodul.traffar(
        user,
        qs,
        falt=SOKFALT,
        fraga=fraga,
        grans=grans,
        datumfalt="rapporterad",
        brukare=lambda r: [r.brukare, *r.ovriga_brukare.all()],
    ):
        berorda = {b for b in [r.brukare_id, *(b.pk for b in r.ovriga_brukare.all())] if b}
        traffar.append(
            sokmodul.Traff(
                modul="Lex Sarah",
                referensnummer=r.referensnummer,
                lank=reverse("lexsarah:detalj", args=[r.pk]),
                status=r.get_status_display(),
                nod=r.enhet.namn,
                datum=r.rapporterad,
                utdrag=utdrag,
                rang=rang,
                brukare_ids=tuple(sorted(berorda)),
            )
        )
    return traffar
