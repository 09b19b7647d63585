"""Demodata: delade mallar och riskanalyser på varje nivå, några från mallar, några försenade."""

import datetime

from django.db.models import F
from django.utils import timezone

from kvalitet.arende import Effekt
from kvalitet.models import Insats, Roll, Rolltilldelning
from riskanalys import services
from riskanalys.models import (
    AnalysStatus,
    Atgard,
    AtgardStatus,
    Handelse,
    Mall,
    MallRisk,
    Risk,
    Riskanalys,
)

# (titel, beskrivning, [(risk, orsak, konsekvens, sannolikhet, [åtgärder])])
MALLAR = [
    (
        "Stängning av daglig verksamhet under sommaren",
        "När en dagverksamhet eller träffpunkt håller stängt en period.",
        [
            (
                "Den enskilde blir isolerad och saknar sysselsättning",
                "Inget ersättande stöd planerat",
                3,
                3,
                ["Erbjud ersättande aktivitet vid annan enhet", "Kontakta anhöriga före stängningen"],
            ),
            (
                "Försämrad psykisk hälsa hos den enskilde",
                "Bruten struktur i vardagen",
                3,
                2,
                ["Gör en individuell plan med kontaktpersonen"],
            ),
        ],
    ),
    (
        "Schemaändring i hemtjänsten",
        "När arbetstider, turer eller bemanning ändras.",
        [
            (
                "Besök blir sena eller uteblir",
                "Nya turer och ovana vid körordningen",
                3,
                3,
                ["Dubbelkolla planeringen första veckan", "Följ upp utebliven insats dagligen"],
            ),
            (
                "Fler okända personer hos den enskilde",
                "Färre fasta personal per brukare",
                2,
                4,
                ["Behåll kontaktpersonen i schemat", "Informera den enskilde om förändringen"],
            ),
        ],
    ),
    (
        "Omorganisation eller sammanslagning av enheter",
        "När enheter slås ihop, byter chef eller lokal.",
        [
            (
                "Rutiner tappas bort vid överlämningen",
                "Olika arbetssätt på enheterna",
                3,
                3,
                ["Gå igenom och samordna rutinerna", "Utse rutinansvarig per område"],
            ),
            (
                "Personalen saknar introduktion i nya lokaler",
                "Kort tid mellan beslut och flytt",
                2,
                3,
                ["Introduktion med checklista"],
            ),
        ],
    ),
    (
        "Smittspridning på särskilt boende",
        "Vid influensa, covid-19 eller vinterkräksjuka.",
        [
            (
                "Smitta sprids mellan boende",
                "Brister i basala hygienrutiner",
                4,
                3,
                ["Egenkontroll av basala hygienrutiner", "Kohortvård vid utbrott"],
            ),
            (
                "Personalbrist när många blir sjuka",
                "Hög sjukfrånvaro",
                3,
                3,
                ["Beredskapslista med timvikarier"],
            ),
        ],
    ),
]

ANALYSER = [
    ("Ny nyckelhantering i hemtjänsten", "Digitala lås införs för alla brukare i området."),
    ("Ändrade öppettider på träffpunkten", "Träffpunkten stänger kl 15 i stället för kl 17."),
    ("Byte av larmleverantör", "Trygghetslarmen byts till ny leverantör under hösten."),
    ("Flytt av boende till nya lokaler", "Gruppbostaden flyttar till nybyggda lokaler."),
    ("Minskad bemanning nattetid", "Nattpatrullen går från tre till två personer."),
]


def _mallar(kontext, skapare) -> list[Mall]:
    mallar = []
    for i, (titel, beskrivning, risker) in enumerate(MALLAR):
        nod = kontext.namnder[i % len(kontext.namnder)]
        mall, skapad = Mall.objects.get_or_create(
            titel=titel, defaults={"beskrivning": beskrivning, "nod": nod, "skapad_av": skapare}
        )
        if skapad:
            MallRisk.objects.bulk_create(
                MallRisk(
                    mall=mall, beskrivning=r, orsak=o, konsekvens=k, sannolikhet=s, atgarder="\n".join(a)
                )
                for r, o, k, s, a in risker
            )
        mallar.append(mall)
    return mallar


def _analys(kontext, nod, skapare, mall, nr):
    slump, idag = kontext.slump, kontext.idag
    if mall is not None:
        titel, forandring = mall.titel, mall.beskrivning or mall.titel
    else:
        titel, forandring = ANALYSER[nr % len(ANALYSER)]
    dagar = slump.randint(0, 330)
    datum = idag - datetime.timedelta(days=dagar)
    analys = Riskanalys.objects.create(
        nod=nod,
        titel=f"{titel} – {nod.namn}",
        forandring=forandring,
        deltagare="Enhetschef, två undersköterskor, skyddsombud",
        datum=datum,
        uppfoljning_senast=datum + datetime.timedelta(days=slump.choice([60, 90, 120])),
        mall=mall,
        skapad_av=skapare,
    )
    if mall is not None:
        for mr in mall.risker.all():
            risk = Risk.objects.create(
                analys=analys,
                beskrivning=mr.beskrivning,
                orsak=mr.orsak,
                konsekvens=mr.konsekvens,
                sannolikhet=mr.sannolikhet,
            )
            for rad in mr.atgarder.splitlines():
                Atgard.objects.create(
                    risk=risk, text=rad, ansvarig=skapare, klar_senast=datum + datetime.timedelta(days=30)
                )
        Mall.objects.filter(pk=mall.pk).update(antal_anvandningar=F("antal_anvandningar") + 1)
    else:
        for _ in range(slump.randint(1, 3)):
            risk = Risk.objects.create(
                analys=analys,
                beskrivning=slump.choice(
                    ["Den enskilde känner otrygghet", "Insatser uteblir", "Fallrisk ökar"]
                ),
                orsak=slump.choice(["Ny personal", "Otydlig information", "Ändrade rutiner"]),
                konsekvens=slump.randint(1, 4),
                sannolikhet=slump.randint(1, 4),
            )
            Atgard.objects.create(
                risk=risk,
                text="Informera den enskilde och anhöriga skriftligt",
                ansvarig=skapare,
                klar_senast=datum + datetime.timedelta(days=slump.randint(10, 60)),
            )
    if nod.typ == "enhet" and slump.random() < 0.4:
        # Individnivå: analysen listar de enskilda den berör.
        analys.brukare.set(Insats.objects.filter(enhet=nod).values_list("brukare_id", flat=True)[:3])
    if dagar > 20:
        analys.status = AnalysStatus.FASTSTALLD
        analys.faststalld_av = skapare
        analys.faststalld = timezone.make_aware(datetime.datetime.combine(datum, datetime.time(10)))
        if dagar > 150 and slump.random() < 0.7:
            analys.status = AnalysStatus.UPPFOLJD
            analys.uppfoljd_av = skapare
            analys.uppfoljd = analys.faststalld + datetime.timedelta(days=90)
            analys.utvardering = "Åtgärderna genomfördes och inga nya avvikelser har rapporterats."
            # En uppföljd analys har varje åtgärd genomförd med effektbedömning (kvalitet.arende).
            Atgard.objects.filter(risk__analys=analys).update(
                status=AtgardStatus.KLAR,
                genomford=timezone.localdate(analys.uppfoljd),
                effekt_bedomning=Effekt.JA,
                resultat="Genomförd; inga nya avvikelser av samma slag.",
            )
            Risk.objects.filter(analys=analys).update(konsekvens_efter=F("konsekvens"), sannolikhet_efter=1)
        analys.save()
        services._bevaka_allt(analys)  # de försenade påminner via svepet
    Handelse.objects.create(
        analys=analys, av=skapare, text="Analysen skapades", till_status=AnalysStatus.UTKAST
    )
    if analys.faststalld:
        Handelse.objects.create(
            analys=analys,
            av=skapare,
            text="Analysen fastställdes",
            fran_status=AnalysStatus.UTKAST,
            till_status=AnalysStatus.FASTSTALLD,
        )
    return analys


def _samordnare_for(nod, standard):
    """En kvalitetssamordnare vid noden eller ovanför, så att den som står som skapare kan öppna
    analysen och påminnelsen går till någon som ser den."""
    for t in Rolltilldelning.objects.filter(roll=Roll.KVALITETSSAMORDNARE).select_related("nod", "anvandare"):
        if nod.sokvag.startswith(t.nod.sokvag):
            return t.anvandare
    return standard


def seed(kontext) -> None:
    """Idempotent: finns demoanalyser redan görs ingenting."""
    kvs = kontext.anvandare.get("kvalitetssamordnare") or next(iter(kontext.anvandare.values()))
    mallar = _mallar(kontext, kvs)
    if Riskanalys.objects.filter(deltagare="Enhetschef, två undersköterskor, skyddsombud").exists():
        kontext.skriv("Riskanalyser: demodata finns redan.")
        return
    slump = kontext.slump
    antal, nr = 0, 0
    noder = [(n, _samordnare_for(n, kvs)) for n in kontext.namnder + kontext.omraden]
    for enhet in kontext.enheter:
        noder.append((enhet, kontext.chef_for(enhet) or _samordnare_for(enhet, kvs)))
    for nod, skapare in noder:
        for _ in range(max(1, kontext.skala)):
            mall = slump.choice(mallar) if slump.random() < 0.4 else None
            _analys(kontext, nod, skapare, mall, nr)
            nr += 1
            antal += 1
    kontext.skriv(f"Riskanalyser: {antal} analyser och {len(mallar)} mallar.")
