"""Samlad analys (SOSFS 2011:9 5 kap. 6 §): avvikelser, klagomål och synpunkter, lex Sarah, ej verkställda
beslut, uppföljningen av förändrade insatser och styrdiagrammens signaler för en nod och en period, på ett
ställe, och samordnarens analystext bredvid.

Läsningarna går bara genom de andra apparnas `queries.py` (och styrdiagrammen i `avvikelser.styrdiagram`),
inom användarens scope; svaret är JSON-bart, så att kvalitetsberättelsen kan frysa det vid publicering.
Diagrammen byggs ur det svaret (också ur en fryst version) med `kvalitet.diagram`.
Egen modul (inte i queries.py) så att avsnittet inte krockar med ändringar i berättelsens övriga avsnitt.
"""

import datetime

from django.utils import timezone

from kvalitet import access
from kvalitet import diagram as diagrammodul
from kvalitet.models import NodTyp, OrgNod
from rapporter.models import SamladAnalys

# Uppföljningens och de ej verkställda besluten räknas av samordnare, handläggare och ledning (cheferna
# ansvarar inte för myndighetsutövningen): för en chef visas avsnitten som "ingår inte i ditt ansvar".
_UPPFOLJNING_ROLLER = (access.KVALITETSSAMORDNARE, access.HANDLAGGARE, access.LEDNING)

TACKNING_STEG = [
    ("kontaktade", "Kontaktade"),
    ("behov_bedomda", "Behov bedömda"),
    ("atgarder_beslutade", "Åtgärder beslutade"),
    ("uppfoljda", "Uppföljda"),
    ("kompletta", "Helt genomförd uppföljning"),
]


def noder(user) -> tuple[list[OrgNod], bool]:
    """(Noderna användaren kan se en samlad analys för, i trädets ordning; bara texten?). Siffrorna för de
    noder där hen räknar statistik. Admin (inga sammanställningar) får bara rätta analystexten för nämnder
    och områden. Tom lista: sidan nekas."""
    statistik = access.noder(user, *access.STATISTIK_ROLLER)
    if statistik:
        return list(OrgNod.objects.filter(pk__in=statistik, aktiv=True).order_by("sokvag")), False
    if access.har_roll(user, access.ADMIN):
        typer = (NodTyp.NAMND, NodTyp.VERKSAMHETSOMRADE)
        return list(OrgNod.objects.filter(typ__in=typer, aktiv=True).order_by("sokvag")), True
    return [], False


def _manader(fran: datetime.date, till: datetime.date) -> list[datetime.date]:
    m, ut = fran.replace(day=1), []
    while m <= till:
        ut.append(m)
        m = (m + datetime.timedelta(days=32)).replace(day=1)
    return ut


def _andel(del_: int, helhet: int) -> float | None:
    return round(100 * del_ / helhet, 1) if helhet else None


def _avvikelser(user, nod, fran, till) -> dict:
    from avvikelser.queries import periodstatistik
    from kvalitet.queries import aktiva_insatser_per_manad

    stat = periodstatistik(user, nod, fran, till)
    antal = stat.totalt
    # Nämnaren: pågående insatser per månad (samma som styrdiagrammens u-diagram), summerat över periodens
    # månader; kvoten är avvikelser per 100 insatser och månad. Ingen volym: ingen kvot (inte noll).
    volym = sum(r["antal"] for r in aktiva_insatser_per_manad(user, nod, _manader(fran, till)))
    return {
        "antal": antal,
        "insatsmanader": volym,
        "per_100": round(100 * antal / volym, 2) if volym else None,
        "per_kategori": [
            {
                "kategori_id": r["kategori_id"],
                "kategori": r["kategori__namn"],
                "antal": r["antal"],
                "andel": _andel(r["antal"], antal) or 0.0,
            }
            for r in stat.per_kategori
        ],
        "per_manad": [{"manad": r["manad"].isoformat(), "antal": r["antal"]} for r in stat.per_manad],
    }


def _klagomal(user, nod, fran, till) -> dict:
    from avvikelser.queries import klagomal_per_tema

    per_tema = klagomal_per_tema(user, nod, fran, till)
    return {"antal": sum(r["antal"] for r in per_tema), "per_tema": per_tema}


def _uppfoljning(user, nod, fran, till) -> tuple[dict | None, dict | None]:
    from uppfoljning.queries import ej_verkstallda_for_period, tackning

    if nod.pk not in access.noder(user, *_UPPFOLJNING_ROLLER):
        return None, None
    ejv = ej_verkstallda_for_period(user, nod, fran, till)
    t = tackning(user, nod, fran, till)
    t["andelar"] = {nyckel: _andel(t[nyckel], t["berorda"]) for nyckel, _ in TACKNING_STEG}
    return {"antal": sum(r["antal"] for r in ejv), "per_lag_och_typ": ejv}, t


def _styrdiagram(user, nod, fran, till) -> tuple[dict | None, list[dict]]:
    """Nodens eget styrdiagram (24 månader som slutar med periodens sista hela månad) och signalerna i
    periodens månader i varje diagram under noden. Tre frågor oavsett antal noder."""
    from avvikelser.queries import styrdiagram_for_noder

    slut = min((till + datetime.timedelta(days=1)), timezone.localdate())
    diagrammen = styrdiagram_for_noder(user, nod, slut)
    egen, signaler = None, []
    for s in diagrammen:
        if s.nod.pk == nod.pk:
            egen = {
                "nod": s.nod.namn,
                "typ": s.typ,
                "manader": [m.isoformat() for m in s.manader],
                "varden": s.varden,
                "medel": s.medel,
                "ovre": s.ovre,
                "nedre": s.nedre,
                "signaler": s.signaler,
                "basfran": s.basfran,
                "bastill": s.bastill,
            }
        regler, manader = [], []
        for m, sig in zip(s.manader, s.signaler, strict=True):
            if fran.replace(day=1) <= m <= till and sig:
                manader.append(diagrammodul.manadsetikett(m))
                regler += [r for r in sig if r not in regler]
        if regler:
            signaler.append(
                {
                    "nod": s.nod.namn,
                    "nod_id": s.nod.pk,
                    "typ": s.nod.typ,
                    "regler": regler,
                    "manader": manader,
                }
            )
    return egen, signaler


def sammanstall(user, nod: OrgNod, fran: datetime.date, till: datetime.date) -> dict:
    """Alla siffror på sidan för noden och perioden [fran, till], inom användarens scope, JSON-bart."""
    from lexsarah.queries import antal_for_period

    ejv, tackning = _uppfoljning(user, nod, fran, till)
    styr, signaler = _styrdiagram(user, nod, fran, till)
    return {
        "nod": nod.namn,
        "nod_id": nod.pk,
        "nodtyp": nod.typ,
        "fran": fran.isoformat(),
        "till": till.isoformat(),
        "avvikelser": _avvikelser(user, nod, fran, till),
        "klagomal": _klagomal(user, nod, fran, till),
        "lexsarah": antal_for_period(user, nod, fran, till),
        "ej_verkstallda": ejv,
        "uppfoljning": tackning,
        "styrdiagram": styr,
        "signaler": signaler,
    }


def analys(user, nod: OrgNod, ar: int) -> SamladAnalys | None:
    """Den sparade analystexten för noden och året, om användaren får läsa den."""
    return access.scope(user, SamladAnalys).filter(nod=nod, ar=ar).first()


def for_berattelsen(user, nod: OrgNod, ar: int) -> dict:
    """Avsnittet "Samlad analys" i kvalitetsberättelsen: årets siffror och samordnarens text."""
    data = sammanstall(user, nod, datetime.date(ar, 1, 1), datetime.date(ar, 12, 31))
    a = analys(user, nod, ar)
    data["text"] = a.text if a else ""
    return data


def lankar(user, nod: OrgNod) -> dict:
    """Vilka listor bakom siffrorna användaren får öppna för noden: ärendelistorna (personuppgifter) bara för
    den som får se dem, sammanställningarna för alla som ser sidan."""
    return {
        "avvikelser": nod.pk in access.noder(user, *access.CHEFER, access.KVALITETSSAMORDNARE),
        "lexsarah": nod.pk in access.noder(user, *access.CHEFER, access.KVALITETSSAMORDNARE),
        "uppfoljning": nod.pk in access.noder(user, access.KVALITETSSAMORDNARE, access.HANDLAGGARE),
        "enhet": nod.pk if nod.typ == NodTyp.ENHET else None,
    }


# --- diagram (ur det JSON-bara svaret, så att en fryst version ritas likadant) ---------------------------


def diagram(d: dict | None, *, styrdiagram: bool = True) -> dict:
    """{"kategorier", "teman", "tackning", "styrdiagram"}: Diagram eller None där underlaget saknas."""
    if not d:
        return {}
    period = f"{d['fran']}–{d['till']}"
    a, k, u = d["avvikelser"], d["klagomal"], d.get("uppfoljning")
    ut = {
        "kategorier": diagrammodul.pareto(
            f"Avvikelser per kategori {period} (Pareto)",
            [r["kategori"] for r in a["per_kategori"]],
            [r["antal"] for r in a["per_kategori"]],
            kolumnrubrik="Kategori",
        )
        if a["per_kategori"]
        else None,
        "teman": diagrammodul.staplar(
            f"Klagomål och synpunkter per tema {period}",
            [r["tema"] for r in k["per_tema"]],
            [r["antal"] for r in k["per_tema"]],
            liggande=True,
            kolumnrubrik="Tema",
        )
        if k["per_tema"]
        else None,
        "tackning": diagrammodul.staplar(
            f"Uppföljning av förändrade insatser {period}: andel av berörda",
            [namn for _, namn in TACKNING_STEG],
            [u["andelar"][nyckel] or 0 for nyckel, _ in TACKNING_STEG],
            liggande=True,
            kolumnrubrik="Steg",
            vardesrubrik="Andel av berörda (%)",
            decimaler=1,
        )
        if u and u["berorda"]
        else None,
        "styrdiagram": None,
    }
    if styrdiagram and d.get("styrdiagram"):
        from rapporter.pdf import styrdiagram as bygg_styrdiagram

        ut["styrdiagram"] = bygg_styrdiagram(d["styrdiagram"])
    return ut


def excel_blad(d: dict) -> list[tuple[str, list[str], list[list]]]:
    """Sidans tabeller som blad för Excel (samma siffror som sidan; bara antal, inga enskilda)."""
    a, k, ls = d["avvikelser"], d["klagomal"], d["lexsarah"]
    nyckeltal = [
        ["Avvikelser", a["antal"]],
        ["Avvikelser per 100 pågående insatser och månad", a["per_100"]],
        ["Klagomål och synpunkter", k["antal"]],
        ["Lex Sarah: rapporterade", ls["rapporterade"]],
        ["Lex Sarah: bedömda", ls["bedomda"]],
        ["Lex Sarah: anmälda till IVO", ls["anmalda_ivo"]],
    ]
    if d["ej_verkstallda"] is not None:
        nyckeltal.append(["Ej verkställda beslut", d["ej_verkstallda"]["antal"]])
    blad = [
        (f"Samlad bild {d['fran']}–{d['till']}", ["Mått", "Antal"], nyckeltal),
        (
            "Avvikelser per kategori",
            ["Kategori", "Antal", "Andel (%)"],
            [[r["kategori"], r["antal"], r["andel"]] for r in a["per_kategori"]],
        ),
        ("Avvikelser per månad", ["Månad", "Antal"], [[r["manad"][:7], r["antal"]] for r in a["per_manad"]]),
        (
            "Klagomål per tema",
            ["Tema", "Antal", "Andel (%)"],
            [[r["tema"], r["antal"], r["andel"]] for r in k["per_tema"]],
        ),
    ]
    if d["ej_verkstallda"] is not None:
        blad.append(
            (
                "Ej verkställda beslut",
                ["Lag", "Insatstyp", "Antal"],
                [[r["lag"], r["insatstyp"], r["antal"]] for r in d["ej_verkstallda"]["per_lag_och_typ"]],
            )
        )
    if d["uppfoljning"] is not None:
        u = d["uppfoljning"]
        blad.append(
            (
                "Uppföljning",
                ["Steg", "Antal", "Andel av berörda (%)"],
                [["Berörda enskilda", u["berorda"], None]]
                + [[rubrik, u[nyckel], u["andelar"][nyckel]] for nyckel, rubrik in TACKNING_STEG],
            )
        )
    blad.append(
        (
            "Signaler",
            ["Organisation", "Signal", "Månader"],
            [[s["nod"], ", ".join(s["regler"]), ", ".join(s["manader"])] for s in d["signaler"]],
        )
    )
    return blad
