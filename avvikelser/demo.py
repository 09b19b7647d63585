"""Demodata: standardkategorier och orsaker, ett år av avvikelser och klagomål för varje enhet."""

import datetime

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from avvikelser.models import Avvikelse, AvvikelseStatus, Kategori, Klagomal, KlagomalTyp, Orsak
from kvalitet.models import Insats

KATEGORIER = [
    "Utebliven insats",
    "Omsorg",
    "Otrygghet",
    "Information",
    "Dokumentation",
    "Bemötande",
    "Handläggning",
    "Sekretess",
    "Larm/telefoni",
    "Värdesaker",
]
ORSAKER = [
    "Rutin saknas/ej följd",
    "Information/kommunikation",
    "Introduktion",
    "Bemanning",
    "Tidsbrist",
    "Teknik",
]
TEXTER = {
    "Utebliven insats": "Planerat besök kl {h}.00 blev inte av; ingen meddelade den enskilde.",
    "Omsorg": "Den enskilde fick inte hjälp med dusch enligt genomförandeplanen.",
    "Otrygghet": "Den enskilde uttryckte oro över att okänd personal kom.",
    "Information": "Anhörig fick inte besked om ändrad besökstid.",
    "Dokumentation": "Händelsen dokumenterades inte i journalen samma dag.",
    "Bemötande": "Den enskilde upplevde att personalen var stressad och otrevlig.",
    "Handläggning": "Beslutet verkställdes inte inom utsatt tid.",
    "Sekretess": "Uppgifter om den enskilde lämnades till fel anhörig.",
    "Larm/telefoni": "Trygghetslarmet besvarades efter {h}0 minuter.",
    "Värdesaker": "Den enskilde saknar plånbok efter besök.",
}


def seed(kontext) -> None:
    """Idempotent: finns demoavvikelser redan görs ingenting. Antal per enhet ≈ platser × 0,6 × skala."""
    for i, namn in enumerate(KATEGORIER):
        Kategori.objects.get_or_create(namn=namn, defaults={"ordning": i})
    # Den pensionerade kategorin finns kvar på gamla poster men erbjuds inte.
    annat, _ = Kategori.objects.get_or_create(namn="Annat", defaults={"aktiv": False, "ordning": 99})
    for namn in ORSAKER:
        Orsak.objects.get_or_create(namn=namn)
    if Avvikelse.objects.filter(referensnummer__startswith="DEMO-").exists():
        kontext.skriv("Avvikelser: demodata finns redan.")
        return
    slump = kontext.slump
    kategorier = list(Kategori.objects.filter(aktiv=True))
    vikt = {"Bemötande": 4, "Utebliven insats": 3, "Information": 2, "Omsorg": 2}
    teman = [k for k in kategorier for _ in range(vikt.get(k.namn, 1))]
    rapportor = kontext.anvandare.get("personal") or next(iter(kontext.anvandare.values()))
    nu = timezone.now()
    avvikelser, klagomal, lopnr = [], [], 0
    for enhet in kontext.enheter:
        brukare_ids = list(Insats.objects.filter(enhet=enhet).values_list("brukare_id", flat=True)[:200])
        antal = max(1, int((enhet.antal_platser or 20) * 0.6 * kontext.skala))
        if slump.random() < 0.1:
            antal = max(1, antal // 8)  # några "tysta" enheter
        for _ in range(antal):
            lopnr += 1
            dagar = slump.randint(0, 364)
            tid = nu - datetime.timedelta(days=dagar, hours=slump.randint(0, 23))
            kat = annat if dagar > 300 and slump.random() < 0.05 else slump.choice(kategorier)
            if dagar > 60:
                status = AvvikelseStatus.AVSLUTAD
            elif dagar > 14:
                status = slump.choice(list(AvvikelseStatus))
            else:
                status = slump.choice([AvvikelseStatus.RAPPORTERAD, AvvikelseStatus.UNDER_UTREDNING])
            avvikelser.append(
                Avvikelse(
                    referensnummer=f"DEMO-{lopnr:07d}",
                    enhet=enhet,
                    brukare_id=slump.choice(brukare_ids) if brukare_ids and slump.random() < 0.8 else None,
                    rapporterad_av=rapportor,
                    handelsetid=tid,
                    rapporterad=tid,
                    lag="LSS" if "LSS" in enhet.namn else "SoL",
                    kategori=kat,
                    beskrivning=TEXTER.get(kat.namn, "Händelse utan kategori.").format(h=slump.randint(7, 9)),
                    status=status,
                    konsekvens=slump.randint(1, 4) if status != AvvikelseStatus.RAPPORTERAD else None,
                    sannolikhet=slump.randint(1, 4) if status != AvvikelseStatus.RAPPORTERAD else None,
                    slutsats="Rutinen har gåtts igenom med personalgruppen."
                    if status == AvvikelseStatus.AVSLUTAD
                    else "",
                    aterkoppling="Tack för att du rapporterade. Vi har gått igenom rutinen med personalgruppen."
                    if status == AvvikelseStatus.AVSLUTAD
                    else "",
                    avslutad=tid + datetime.timedelta(days=slump.randint(5, 40))
                    if status == AvvikelseStatus.AVSLUTAD
                    else None,
                )
            )
        for _ in range(max(1, antal // 10)):
            lopnr += 1
            anonym = slump.random() < 0.3
            # Teman som i seedens kvalitetsberättelse: bemötande och utebliven insats oftast; en del utan tema.
            tema = slump.choice(teman) if slump.random() < 0.85 else None
            klagomal.append(
                Klagomal(
                    referensnummer=f"DEMO-K{lopnr:07d}",
                    enhet=enhet,
                    typ=slump.choice(list(KlagomalTyp)),
                    tema=tema,
                    inkommet=nu - datetime.timedelta(days=slump.randint(0, 364), hours=slump.randint(0, 23)),
                    anonym=anonym,
                    namn="" if anonym else "Anhörig",
                    beskrivning="Synpunkt på bemötande och kontinuitet.",
                    via_e_tjanst=slump.random() < 0.5,
                )
            )
    bulk_create_with_history(avvikelser, Avvikelse, batch_size=2000)
    bulk_create_with_history(klagomal, Klagomal, batch_size=2000)
    kontext.skriv(f"Avvikelser: {len(avvikelser)} avvikelser och {len(klagomal)} klagomål/synpunkter.")
