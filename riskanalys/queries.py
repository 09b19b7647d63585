"""Läsningar (med åtkomst först) och sammanställningar som andra appar och rapporter anropar."""

import datetime

from django.db.models import Count, ExpressionWrapper, F, IntegerField, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from kvalitet import access, riskmatris
from kvalitet.models import OrgNod
from kvalitet.uppgifter import Uppgift
from riskanalys.models import AnalysStatus, Atgard, AtgardStatus, Mall, Risk, Riskanalys

# Analyser vars uppföljning ligger inom så många dagar syns i "Mina uppgifter".
UPPFOLJNING_FORVARNING_DAGAR = 14


def lista(user, *, status: str = "", nod=None, sok: str = "", aven_gamla: bool = False) -> QuerySet:
    """Analyser användaren får se, senaste versionen om inte `aven_gamla`."""
    qs = access.scope(user, Riskanalys).select_related("nod").annotate(antal_risker=Count("risker"))
    if not aven_gamla:
        qs = qs.filter(aktuell=True)
    if status in AnalysStatus.values:
        qs = qs.filter(status=status)
    if nod is not None:
        qs = qs.filter(nod__sokvag__startswith=nod.sokvag)
    if sok and sok.strip():
        qs = qs.filter(Q(titel__icontains=sok.strip()) | Q(forandring__icontains=sok.strip()))
    return qs.order_by("-datum", "-pk")


def detalj(user, pk: int) -> Riskanalys:
    return access.hamta(user, Riskanalys.objects.select_related("nod", "foregaende"), pk=pk)


def pdf_bestallning(user, analys: Riskanalys):
    """Användarens senaste PDF-beställning av analysen, eller None (bara egna beställningar syns)."""
    from riskanalys.models import Pdfbestallning

    return access.scope(user, Pdfbestallning.objects.filter(analys=analys)).first()


def risker(analys: Riskanalys) -> list[Risk]:
    return list(analys.risker.prefetch_related("atgarder__ansvarig"))


def versioner(user, analys: Riskanalys) -> list[Riskanalys]:
    """Alla versioner i kedjan (äldst först) som användaren får se."""
    kedja = []
    nod = analys
    while nod is not None:
        kedja.append(nod.pk)
        nod = nod.foregaende
    nasta = analys
    while True:
        nasta = access.scope(user, Riskanalys).filter(foregaende=nasta).first()
        if nasta is None:
            break
        kedja.append(nasta.pk)
    return list(access.scope(user, Riskanalys).filter(pk__in=kedja).order_by("version"))


def alla_risker(user, *, niva: str = "") -> QuerySet:
    """Alla risker i aktuella analyser användaren får se, högst riskvärde först."""
    qs = (
        access.scope(user, Risk)
        .filter(analys__aktuell=True)
        .select_related("analys__nod")
        .annotate(
            varde=ExpressionWrapper(F("konsekvens") * F("sannolikhet"), output_field=IntegerField()),
        )
    )
    for n in riskmatris.NIVAER:
        if n.kod == niva:
            qs = qs.filter(varde__gte=n.fran, varde__lte=n.till)
    return qs.order_by("-varde", "analys__titel", "pk")


def matris(riskerna) -> dict:
    """4×4-matrisen före och efter åtgärder: celler med antal risker. Ett QuerySet räknas i SQL (alla
    risker i urvalet, hur många de än är); en lista (en analys risker) räknas i Python."""

    def bygg(antal: dict) -> list[dict]:
        return [
            {
                "konsekvens": k,
                "konsekvensnamn": riskmatris.KONSEKVENS[k],
                "celler": [
                    {"k": k, "s": s, "varde": v, "niva": n, "antal": antal.get((k, s), 0)}
                    for (_k, s, v, n) in rad
                ],
            }
            for rad in riskmatris.matris()
            for k in [rad[0][0]]
        ]

    def rakna(kfalt: str, sfalt: str) -> dict:
        if isinstance(riskerna, QuerySet):
            rader = (
                riskerna.order_by()
                .filter(**{f"{kfalt}__isnull": False, f"{sfalt}__isnull": False})
                .values(kfalt, sfalt)
                .annotate(antal=Count("pk"))
            )
            return {(r[kfalt], r[sfalt]): r["antal"] for r in rader}
        antal: dict = {}
        for r in riskerna:
            par = (getattr(r, kfalt), getattr(r, sfalt))
            if all(par):
                antal[par] = antal.get(par, 0) + 1
        return antal

    if not isinstance(riskerna, QuerySet):
        riskerna = list(riskerna)
    return {
        "fore": bygg(rakna("konsekvens", "sannolikhet")),
        "efter": bygg(rakna("konsekvens_efter", "sannolikhet_efter")),
        "sannolikheter": riskmatris.SANNOLIKHET,
    }


def mallar(user) -> QuerySet:
    return access.scope(user, Mall).select_related("nod", "skapad_av").annotate(antal_risker=Count("risker"))


def valbara(user) -> QuerySet:
    """Analyser användaren kan koppla en förändring till: senaste versionen, vid eller under en nod där
    hen får välja analyser (access.VALJA: chefer och samordnare som förut, och nämndens handläggare)."""
    return access.scope(user, Riskanalys, access.VALJA).filter(aktuell=True).select_related("nod")


def _under(nod: OrgNod) -> QuerySet:
    return OrgNod.objects.filter(sokvag__startswith=nod.sokvag).values("pk")


def arssammanstallning(user, nod: OrgNod, ar: int) -> dict:
    """Antal analyser daterade år `ar` under `nod` (senaste versionen), per nivå, fastställda och
    uppföljda. Ledningen får räkna (inga personuppgifter visas)."""
    try:
        ar = int(ar)
        fran, till = datetime.date(ar, 1, 1), datetime.date(ar, 12, 31)
    except (TypeError, ValueError, OverflowError):
        return {
            "antal": 0,
            "per_niva": {"enhet": 0, "verksamhetsomrade": 0, "namnd": 0},
            "faststallda": 0,
            "uppfoljda": 0,
        }
    qs = access.scope(user, Riskanalys, access.RISKANALYS_STATISTIK).filter(
        aktuell=True, nod__in=_under(nod), datum__gte=fran, datum__lte=till
    )
    s = qs.aggregate(
        antal=Count("pk"),
        enhet=Count("pk", filter=Q(nod__typ="enhet")),
        verksamhetsomrade=Count("pk", filter=Q(nod__typ="verksamhetsomrade")),
        namnd=Count("pk", filter=Q(nod__typ="namnd")),
        faststallda=Count("pk", filter=Q(status__in=[AnalysStatus.FASTSTALLD, AnalysStatus.UPPFOLJD])),
        uppfoljda=Count("pk", filter=Q(status=AnalysStatus.UPPFOLJD)),
    )
    return {
        "antal": s["antal"],
        "per_niva": {"enhet": s["enhet"], "verksamhetsomrade": s["verksamhetsomrade"], "namnd": s["namnd"]},
        "faststallda": s["faststallda"],
        "uppfoljda": s["uppfoljda"],
    }


def mina_uppgifter(user) -> list[Uppgift]:
    """Analyser att följa upp (högst 20). Åtgärderna användaren ansvarar för kommer ur åtgärdsregistret
    (kvalitet.uppgifter; en åtgärd utan ansvarig hos den som fastställde analysen, som förut)."""
    idag = timezone.localdate()
    uppgifter = []
    if access.har_roll(user, *access.CHEFER, access.KVALITETSSAMORDNARE):
        grans = idag + datetime.timedelta(days=UPPFOLJNING_FORVARNING_DAGAR)
        analyser = (
            access.scope(user, Riskanalys, access.ANDRA)
            .filter(aktuell=True, status=AnalysStatus.FASTSTALLD, uppfoljning_senast__lte=grans)
            .order_by("uppfoljning_senast", "pk")[:20]
        )
        for a in analyser:
            uppgifter.append(
                Uppgift(
                    rubrik=f"Följ upp riskanalysen ”{a.titel}”",
                    lank=reverse("riskanalys:detalj", args=[a.pk]),
                    kalla="riskanalys",
                    forfaller=a.uppfoljning_senast,
                )
            )
    return uppgifter


def arets_analyser(user, nod: OrgNod, ar: int) -> list[dict]:
    """Årets analyser under `nod` (senaste versionen, samma urval som `arssammanstallning`) för
    kvalitetsberättelsen: titel, var den gjordes, högsta risknivå före och efter åtgärder, status."""
    from django.db.models import Max

    ar = int(ar)
    varde = ExpressionWrapper(F("risker__konsekvens") * F("risker__sannolikhet"), output_field=IntegerField())
    efter = ExpressionWrapper(
        F("risker__konsekvens_efter") * F("risker__sannolikhet_efter"), output_field=IntegerField()
    )
    qs = (
        access.scope(user, Riskanalys)
        .filter(aktuell=True, nod__in=_under(nod), datum__year=ar)
        .annotate(hogsta=Max(varde), hogsta_efter=Max(efter))
        .values("titel", "datum", "status", "nod__namn", "nod__typ", "hogsta", "hogsta_efter")
        .order_by("datum", "titel", "pk")
    )
    status = dict(AnalysStatus.choices)
    svar = []
    for r in qs:
        fore, eft = riskmatris.niva(r["hogsta"]), riskmatris.niva(r["hogsta_efter"])
        svar.append(
            {
                "titel": r["titel"],
                "datum": r["datum"].isoformat(),
                "nod": r["nod__namn"],
                "nivatyp": r["nod__typ"],
                "riskniva": fore.namn if fore else "",
                "riskniva_efter": eft.namn if eft else "",
                "status": str(status.get(r["status"], r["status"])),
            }
        )
    return svar


# --- åtgärdsregistret (kvalitet.atgardsregister) ---------------------------------------------------


def atgardsregister(user, f) -> list:
    """Åtgärderna i de fastställda och uppföljda analyserna (aktuell version; ett utkast har inga
    åtaganden än) som användaren får läsa: chefer och kvalitetssamordnare under analysens nod, och den
    ansvariga sin egen åtgärd. En åtgärd utan ansvarig räknas till den som fastställde analysen, samma
    person som bevakningen påminner (riskanalys.services._bevaka_atgard)."""
    from kvalitet.atgardsregister import Atgardsrad, filtrera, personnamn, status_for

    if not f.tar_med("riskanalys"):
        return []

    def ansvarig(pk):
        return Q(ansvarig_id=pk) | Q(ansvarig__isnull=True, risk__analys__faststalld_av_id=pk)

    qs = filtrera(
        access.scope(user, Atgard).filter(
            risk__analys__aktuell=True,
            risk__analys__status__in=(AnalysStatus.FASTSTALLD, AnalysStatus.UPPFOLJD),
        ),
        f,
        nod="risk__analys__nod",
        klar=Q(status=AtgardStatus.KLAR),
        klar_senast="klar_senast",
        ansvarig=ansvarig,
    ).select_related("risk__analys__nod", "risk__analys__faststalld_av", "ansvarig")
    rader = []
    for a in qs:
        analys = a.risk.analys
        ersattare = analys.faststalld_av if a.ansvarig_id is None else None
        klar = a.status == AtgardStatus.KLAR
        rader.append(
            Atgardsrad(
                kalla="riskanalys",
                pk=a.pk,
                referens=f"RA-{analys.pk}",
                rubrik=analys.titel,
                lank=reverse("riskanalys:detalj", args=[analys.pk]),
                text=a.text,
                nod_namn=analys.nod.namn,
                status=status_for(klar=klar, struken=False, klar_senast=a.klar_senast, idag=f.dag),
                ansvarig_id=a.ansvarig_id or (ersattare.pk if ersattare else None),
                ansvarig_namn=personnamn(a.ansvarig)
                or (f"{personnamn(ersattare)} (fastställde analysen)" if ersattare else ""),
                klar_senast=a.klar_senast,
                effekt=a.resultat,
                # Samma nyckel som riskanalys.services._bevaka_atgard: påminnelsen finns en gång.
                paminnelse_nyckel=f"bevakning:riskanalys:atgard:{a.pk}:forsenad"
                if (a.ansvarig_id or ersattare)
                else "",
            )
        )
    return rader
