"""Demokommunen: organisation, en användare per roll och brukare med insatser.

Allt byggs deterministiskt (fast slumpfrö), så en ny körning hittar det som finns och lägger bara till det
som saknas. Apparna bygger vidare via `<app>.demo.seed(kontext)` med samma kontext.
"""

from __future__ import annotations

import dataclasses
import datetime
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from kvalitet import services
from kvalitet.models import Brukare, Insats, Insatstyp, NodTyp, OrgNod, Roll
from kvalitet.personnummer import luhn_kontrollsiffra

DEMO_LOSENORD = "demo-kvalitet-2026"
BRUKARE_PER_SKALA = 300

NAMNDER = [("N", "Norra stadsdelsnämnden"), ("S", "Södra stadsdelsnämnden")]
# (kod, namn, [(enhetsnamn, insatstyp, platser)])
OMRADEN = [
    (
        "AO",
        "Äldreomsorg",
        [
            ("Hemtjänst {o} 1", "Hemtjänst", 120),
            ("Hemtjänst {o} 2", "Hemtjänst", 90),
            ("{O} särskilda boende", "Särskilt boende", 60),
            ("Korttidsboendet {O}", "Korttidsvistelse", 20),
        ],
    ),
    (
        "FO",
        "Funktionshinderomsorg (LSS)",
        [
            ("Gruppbostad {O}", "Bostad med särskild service för vuxna", 12),
            ("Daglig verksamhet {O}", "Daglig verksamhet", 40),
            ("Personlig assistans {o}", "Personlig assistans", 25),
        ],
    ),
    ("IFO", "Individ- och familjeomsorg", [("Kontaktpersoner {o}", "Kontaktperson", 30)]),
    (
        "SP",
        "Socialpsykiatri",
        [("Boendestöd {o}", "Boendestöd", 45), ("Träfflokalen {O}", "Dagverksamhet", 30)],
    ),
]

FORNAMN_K = [
    "Anna",
    "Maria",
    "Karin",
    "Eva",
    "Birgitta",
    "Ingrid",
    "Kristina",
    "Elisabeth",
    "Sara",
    "Lena",
    "Margareta",
    "Gunnel",
    "Astrid",
    "Elsa",
    "Ebba",
    "Signe",
    "Maja",
    "Ingegerd",
]
FORNAMN_M = [
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Erik",
    "Nils",
    "Sven",
    "Gustav",
    "Bengt",
    "Olof",
    "Gunnar",
    "Arne",
    "Ahmed",
    "Mikael",
    "Stig",
    "Rolf",
    "Yusuf",
]
EFTERNAMN = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Holm",
    "Sandberg",
    "Ali",
    "Mohammed",
    "Lundgren",
    "Ek",
    "Björk",
    "Forsberg",
    "Hedlund",
]

# En demoanvändare per roll: (användarnamn, förnamn, efternamn, roll, nodkod)
DEMOANVANDARE = [
    ("personal", "Pia", "Persson", Roll.PERSONAL, "N-AO-1"),
    ("enhetschef", "Erik", "Ek", Roll.ENHETSCHEF, "N-AO-1"),
    ("verksamhetschef", "Vera", "Berg", Roll.VERKSAMHETSCHEF, "N-AO"),
    ("handlaggare", "Hanna", "Holm", Roll.HANDLAGGARE, "N"),
    ("kvalitetssamordnare", "Kim", "Lind", Roll.KVALITETSSAMORDNARE, "N"),
    ("ledning", "Lars", "Ledin", Roll.LEDNING, "KOMMUN"),
    ("admin", "Ada", "Admin", Roll.ADMIN, "KOMMUN"),
]
# Fler användare så att varje enhet och nämnd har sitt folk (visas inte som demoinloggningar).
EXTRA_ANVANDARE = [
    ("handlaggare.sodra", "Hugo", "Hallberg", Roll.HANDLAGGARE, "S"),
    ("kvalitetssamordnare.sodra", "Sofia", "Strand", Roll.KVALITETSSAMORDNARE, "S"),
    ("enhetschef.sodra", "Elin", "Sund", Roll.ENHETSCHEF, "S-AO-1"),
    ("verksamhetschef.lss", "Leo", "Sjöberg", Roll.VERKSAMHETSCHEF, "N-FO"),
]


@dataclasses.dataclass
class DemoKontext:
    """Det apparnas demodata bygger på."""

    skala: int
    slump: random.Random
    kommun: OrgNod
    namnder: list[OrgNod]
    omraden: list[OrgNod]
    enheter: list[OrgNod]
    anvandare: dict[str, object]
    idag: datetime.date
    skriv: object = print

    def chef_for(self, enhet: OrgNod):
        """Enhetschefen för enheten (demochefen för sina enheter, annars nämndens)."""
        from kvalitet.models import Rolltilldelning

        tilldelning = (
            Rolltilldelning.objects.filter(roll=Roll.ENHETSCHEF, nod=enhet)
            .select_related("anvandare")
            .first()
        )
        return tilldelning.anvandare if tilldelning else None


def _nod(kod, typ, namn, forelder, platser=None) -> OrgNod:
    nod = OrgNod.objects.filter(kod=kod).first()
    if nod is None:
        nod = services.orgnod_spara(
            nod=OrgNod(kod=kod, typ=typ, namn=namn, forelder=forelder, antal_platser=platser)
        )
    return nod


def bygg_organisation() -> tuple[OrgNod, list[OrgNod], list[OrgNod], list[OrgNod]]:
    kommun = _nod("KOMMUN", NodTyp.KOMMUN, "Sjöstads kommun", None)
    namnder, omraden, enheter = [], [], []
    for nkod, nnamn in NAMNDER:
        namnd = _nod(nkod, NodTyp.NAMND, nnamn, kommun)
        namnder.append(namnd)
        ort = "Norr" if nkod == "N" else "Söder"
        for okod, onamn, enhetslista in OMRADEN:
            omrade = _nod(f"{nkod}-{okod}", NodTyp.VERKSAMHETSOMRADE, onamn, namnd)
            omraden.append(omrade)
            for i, (enamn, _typ, platser) in enumerate(enhetslista, start=1):
                namn = enamn.format(o=ort, O=ort)
                enheter.append(_nod(f"{nkod}-{okod}-{i}", NodTyp.ENHET, namn, omrade, platser))
    return kommun, namnder, omraden, enheter


def bygg_anvandare() -> dict[str, object]:
    User = get_user_model()
    anvandare = {}
    for namn, fornamn, efternamn, roll, nodkod in DEMOANVANDARE + EXTRA_ANVANDARE:
        user, skapad = User.objects.get_or_create(
            username=namn,
            defaults={
                "first_name": fornamn,
                "last_name": efternamn,
                "email": f"{namn}@sjostad.example",
                "is_staff": roll == Roll.ADMIN,
                "is_superuser": roll == Roll.ADMIN,
            },
        )
        if skapad:
            user.set_password(DEMO_LOSENORD)
            user.save()
        services.roll_tilldela(anvandare=user, roll=roll, nod=OrgNod.objects.get(kod=nodkod))
        anvandare[namn] = user
    # Varje enhet har en chef: demochefen har Hemtjänst Norr 1 och 2, andra enheter får egna chefer.
    chef = anvandare["enhetschef"]
    services.roll_tilldela(anvandare=chef, roll=Roll.ENHETSCHEF, nod=OrgNod.objects.get(kod="N-AO-2"))
    for enhet in OrgNod.objects.filter(typ=NodTyp.ENHET).exclude(kod__in=["N-AO-1", "N-AO-2", "S-AO-1"]):
        user, skapad = User.objects.get_or_create(
            username=f"chef.{enhet.kod.lower()}",
            defaults={
                "first_name": "Chef",
                "last_name": enhet.namn,
                "email": f"chef.{enhet.kod.lower()}@sjostad.example",
            },
        )
        if skapad:
            user.set_password(DEMO_LOSENORD)
            user.save()
        services.roll_tilldela(anvandare=user, roll=Roll.ENHETSCHEF, nod=enhet)
    return anvandare


def enhetstyper():
    """(enhetskod, insatstyp) för varje demoenhet."""
    for nkod, _ in NAMNDER:
        for okod, _, lista in OMRADEN:
            for i, (_, typ, _) in enumerate(lista, start=1):
                yield f"{nkod}-{okod}-{i}", typ


def fejkat_personnummer(slump: random.Random) -> str:
    fodd = datetime.date(1925, 1, 1) + datetime.timedelta(days=slump.randrange(0, 365 * 78))
    lopnr = f"{slump.randrange(0, 1000):03d}"
    yymmdd = fodd.strftime("%y%m%d")
    return f"{fodd:%Y%m%d}{lopnr}{luhn_kontrollsiffra(yymmdd + lopnr)}"


@transaction.atomic
def bygg_brukare(kontext: DemoKontext) -> int:
    """Brukare och insatser; returnerar antalet nya brukare."""
    slump = random.Random(2026)  # eget frö: samma brukare varje gång, oberoende av appernas demodata
    antal = BRUKARE_PER_SKALA * kontext.skala
    # Namnet är unikt per lag: funktionshinderområdets insatser är LSS, de andra SoL (IFO:s kontaktpersoner).
    typer = {(t.namn, t.lag): t for t in Insatstyp.objects.all()}
    typ_for_kod = {kod: (typ, "LSS" if "-FO-" in kod else "SoL") for kod, typ in enhetstyper()}
    enheter_per_namnd: dict[int, list[tuple[OrgNod, Insatstyp]]] = {}
    for enhet in kontext.enheter:
        enheter_per_namnd.setdefault(enhet.forelder.forelder_id, []).append(
            (enhet, typer[typ_for_kod[enhet.kod]])
        )
    handlaggare = {
        kontext.namnder[0].pk: kontext.anvandare["handlaggare"],
        kontext.namnder[1].pk: kontext.anvandare["handlaggare.sodra"],
    }
    befintliga = set(Brukare.objects.values_list("personnummer", flat=True))
    nya_brukare, planerade_insatser = [], []
    sedda = set()
    for i in range(antal):
        pnr = fejkat_personnummer(slump)
        while pnr in sedda:
            pnr = fejkat_personnummer(slump)
        sedda.add(pnr)
        namnd = kontext.namnder[i % 2]
        kvinna = int(pnr[10]) % 2 == 0
        fornamn = slump.choice(FORNAMN_K if kvinna else FORNAMN_M)
        efternamn = slump.choice(EFTERNAMN)
        skyddad = slump.random() < 0.02
        if pnr not in befintliga:
            nya_brukare.append(
                Brukare(
                    personnummer=pnr,
                    fornamn=fornamn,
                    efternamn=efternamn,
                    skyddad_identitet=skyddad,
                    namnd=namnd,
                    handlaggare=handlaggare[namnd.pk],
                    externt_id=f"demo-{i}",
                )
            )
        for j in range(1 + (slump.random() < 0.25)):
            enhet, typ = slump.choice(enheter_per_namnd[namnd.pk])
            beslut = kontext.idag - datetime.timedelta(days=slump.randrange(20, 1500))
            ej_verkstalld = slump.random() < 0.04
            start = None if ej_verkstalld else beslut + datetime.timedelta(days=slump.randrange(0, 60))
            if start and start > kontext.idag:
                start = kontext.idag
            slut = None
            if start and slump.random() < 0.1:
                slut = min(kontext.idag, start + datetime.timedelta(days=slump.randrange(30, 700)))
            planerade_insatser.append((f"demo-{i}", f"demo-ins-{i}-{j}", typ, enhet, beslut, start, slut))
    anvandaren = kontext.anvandare["admin"]
    bulk_create_with_history(nya_brukare, Brukare, batch_size=2000, default_user=anvandaren)
    brukar_id = dict(Brukare.objects.filter(externt_id__startswith="demo-").values_list("externt_id", "id"))
    befintliga_insatser = set(
        Insats.objects.filter(externt_id__startswith="demo-ins-").values_list("externt_id", flat=True)
    )
    nya_insatser = [
        Insats(
            brukare_id=brukar_id[bid],
            externt_id=iid,
            lag=typ.lag,
            typ=typ,
            enhet=enhet,
            beslutsdatum=beslut,
            startdatum=start,
            slutdatum=slut,
        )
        for bid, iid, typ, enhet, beslut, start, slut in planerade_insatser
        if iid not in befintliga_insatser
    ]
    bulk_create_with_history(nya_insatser, Insats, batch_size=2000, default_user=anvandaren)
    return len(nya_brukare)
