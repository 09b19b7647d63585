"""Import av organisationsträdet från CSV.

Kolumner (rubrikrad krävs, semikolon eller komma): kod; namn; typ; forelder_kod; antal_platser; aktiv.
`typ` är kommun, nämnd, verksamhetsområde eller enhet (med eller utan å/ä/ö). Nyckeln är `kod`: en ny
körning med samma fil ändrar ingenting. Raderna kontrolleras alla först; en felaktig rad stoppar inte
de korrekta, och med torrkörning skrivs ingenting.
"""

from __future__ import annotations

import csv
import dataclasses
import io

from django.core.exceptions import ValidationError
from django.db import transaction

from kvalitet import services
from kvalitet.models import FORALDER_TYP, NodTyp, OrgNod

TYPER = {
    "kommun": NodTyp.KOMMUN,
    "namnd": NodTyp.NAMND,
    "nämnd": NodTyp.NAMND,
    "verksamhetsomrade": NodTyp.VERKSAMHETSOMRADE,
    "verksamhetsområde": NodTyp.VERKSAMHETSOMRADE,
    "enhet": NodTyp.ENHET,
}
KOLUMNER = ("kod", "namn", "typ", "forelder_kod")
SANT = {"", "1", "ja", "j", "true", "sant", "x"}
FALSKT = {"0", "nej", "n", "false", "falskt"}


@dataclasses.dataclass
class Radfel:
    rad: int
    falt: str
    orsak: str

    def __str__(self):
        return f"Rad {self.rad}, {self.falt}: {self.orsak}"


@dataclasses.dataclass
class Resultat:
    skapade: int = 0
    andrade: int = 0
    oforandrade: int = 0
    fel: list[Radfel] = dataclasses.field(default_factory=list)


def _las(text: str) -> csv.DictReader:
    dialekt = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=";,")
    return csv.DictReader(io.StringIO(text), dialect=dialekt)


def importera_organisation(text: str, *, torrkorning: bool = False, av=None) -> Resultat:
    """Läser CSV-texten och skapar eller uppdaterar noder. Returnerar vad som hände och varje radfel."""
    resultat = Resultat()
    lasare = _las(text.lstrip("\ufeff"))
    saknas = [k for k in KOLUMNER if k not in (lasare.fieldnames or [])]
    if saknas:
        resultat.fel.append(Radfel(1, ", ".join(saknas), "kolumnen saknas i rubrikraden"))
        return resultat

    befintliga = {n.kod: n for n in OrgNod.objects.all()}
    planerade: dict[str, tuple[str, str]] = {}  # kod -> (typ, forelder_kod) för rader som går igenom
    rader = []
    for radnr, rad in enumerate(lasare, start=2):
        kod = (rad.get("kod") or "").strip()
        namn = (rad.get("namn") or "").strip()
        typ = TYPER.get((rad.get("typ") or "").strip().lower())
        forelder_kod = (rad.get("forelder_kod") or "").strip()
        platser_text = (rad.get("antal_platser") or "").strip()
        aktiv_text = (rad.get("aktiv") or "").strip().lower()
        fel_fore = len(resultat.fel)
        if not kod:
            resultat.fel.append(Radfel(radnr, "kod", "saknas"))
        elif kod in planerade:
            resultat.fel.append(Radfel(radnr, "kod", f"{kod} förekommer flera gånger i filen"))
        if not namn:
            resultat.fel.append(Radfel(radnr, "namn", "saknas"))
        if typ is None:
            resultat.fel.append(Radfel(radnr, "typ", "ska vara kommun, nämnd, verksamhetsområde eller enhet"))
        platser = None
        if platser_text:
            if not platser_text.isdigit():
                resultat.fel.append(Radfel(radnr, "antal_platser", "ska vara ett heltal"))
            else:
                platser = int(platser_text)
        if aktiv_text not in SANT | FALSKT:
            resultat.fel.append(Radfel(radnr, "aktiv", "ska vara ja eller nej"))
        if typ is not None:
            krav = FORALDER_TYP[typ]
            if krav is None and forelder_kod:
                resultat.fel.append(Radfel(radnr, "forelder_kod", "en kommun har ingen förälder"))
            elif krav is not None:
                foraldertyp = planerade.get(forelder_kod, (None,))[0] or (
                    befintliga[forelder_kod].typ if forelder_kod in befintliga else None
                )
                if not forelder_kod:
                    resultat.fel.append(Radfel(radnr, "forelder_kod", "saknas"))
                elif foraldertyp is None:
                    resultat.fel.append(
                        Radfel(
                            radnr,
                            "forelder_kod",
                            f"{forelder_kod} finns varken i filen (före raden) eller i trädet",
                        )
                    )
                elif foraldertyp != krav:
                    resultat.fel.append(
                        Radfel(
                            radnr,
                            "forelder_kod",
                            f"fel nivå: föräldern ska vara av typen {krav.label.lower()}",
                        )
                    )
        if len(resultat.fel) == fel_fore:
            planerade[kod] = (typ, forelder_kod)
            rader.append((kod, namn, typ, forelder_kod or None, platser, aktiv_text not in FALSKT))

    if torrkorning:
        return resultat
    with transaction.atomic():
        for kod, namn, typ, forelder_kod, platser, aktiv in rader:
            nod = OrgNod.objects.filter(kod=kod).first()
            forelder = OrgNod.objects.get(kod=forelder_kod) if forelder_kod else None
            nytt = {
                "namn": namn,
                "typ": typ,
                "forelder_id": forelder.pk if forelder else None,
                "antal_platser": platser,
                "aktiv": aktiv,
            }
            if nod is None:
                services.orgnod_spara(nod=OrgNod(kod=kod, **nytt), av=av)
                resultat.skapade += 1
            elif any(getattr(nod, falt) != varde for falt, varde in nytt.items()):
                for falt, varde in nytt.items():
                    setattr(nod, falt, varde)
                try:
                    services.orgnod_spara(nod=nod, av=av)
                except ValidationError as fel:
                    resultat.fel.append(Radfel(0, kod, "; ".join(fel.messages)))
                    continue
                resultat.andrade += 1
            else:
                resultat.oforandrade += 1
    return resultat
