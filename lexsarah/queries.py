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
    """Utredarna: ärenden som väntar på bedömning, anmälan till IVO eller uppföljning; ansvariga: åtgärder."""
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
    for a in (
        access.scope(user, Atgard)
        .filter(ansvarig_id=user.pk, uppfoljd__isnull=True, struken="")
        .exclude(rapport__status=Status.AVSLUTAD)
        .select_related("rapport")
    ):
        uppgifter.append(
            Uppgift(
                rubrik=f"Lex Sarah-åtgärd: {a.text[:60]}",
                lank=reverse("lexsarah:detalj", args=[a.rapport_id]),
                kalla="lexsarah",
                forfaller=a.klar_senast,
                detalj=a.rapport.referensnummer,
            )
        )
    return uppgifter
