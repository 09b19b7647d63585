"""Demodata för kvalitetsarbetet och kvalitetsberättelsen: mål med indikatorer, intern kontrollplan,
förbättringsplan, jämförelsevärden (Kolada-exemplet) och ett utkast till förra årets berättelse per
nämnd. Idempotent: det som redan finns skapas inte igen."""

from pathlib import Path

from django.conf import settings

from kvalitet.kolada import kolada_importera
from kvalitet.models.kvalitetsarbete import (
    Berakning,
    Forbattringsatgard,
    Indikatorkalla,
    Indikatorvarde,
    Kontrollplan,
    Kontrollpunkt,
    Mal,
    Malindikator,
    Riktning,
)
from rapporter.models import Kvalitetsberattelse
from rapporter.services import rensa_html

EXEMPEL = Path(__file__).resolve().parent / "data" / "kolada_exempel.json"

KONTROLLPUNKTER = [
    ("Stickprov av genomförandeplaner (10 per enhet)", "Enhetschef", "Mars och september",
     "Redovisas i ledningsgruppen", "Två av tio planer var inte uppföljda inom sex månader."),
    ("Granskning av läkemedelsavvikelser", "MAS", "Varje kvartal", "Rapport till nämnden",
     "Fler rapporter om utebliven signering på helger."),
    ("Kontroll av att avvikelser utreds inom 14 dagar", "Kvalitetssamordnare", "Varje månad",
     "Statistik i ledningssystemet", "Målet nåddes under tio av tolv månader."),
    ("Uppföljning av ej verkställda beslut", "Verksamhetschef", "Kvartalsvis",
     "Kvartalsrapport till IVO", ""),
]  # fmt: skip

FORBATTRINGAR = [
    ("Avvikelsehantering", "Utbilda alla enhetschefer i händelseanalys och återkoppling till personal.",
     "Kvalitetssamordnare", "Andel avvikelser utredda inom 14 dagar, per kvartal"),
    ("Hemtjänst", "Minska antalet uteblivna besök genom bättre planering vid personalfrånvaro.",
     "Verksamhetschef äldreomsorg", "Andel avvikelser som är utebliven insats"),
    ("Delaktighet", "Brukarråd på varje gruppbostad två gånger per år.", "Enhetschefer LSS",
     "Protokoll från brukarråden"),
]  # fmt: skip

TEXTER = {
    "sammanfattning": "<p>Året har präglats av ett fortsatt arbete med att göra avvikelsehanteringen till en "
    "naturlig del av vardagen. Antalet rapporterade avvikelser är på samma nivå som föregående år.</p>",
    "bakgrund": "<p>Enligt SOSFS 2011:9 ska den som bedriver socialtjänst varje år upprätta en "
    "kvalitetsberättelse som beskriver hur arbetet med att systematiskt och fortlöpande utveckla och "
    "säkra kvaliteten har bedrivits.</p>",
    "personal": "<p>Personalen deltar genom att rapportera avvikelser och genom arbetsplatsträffar där "
    "<strong>händelser och förbättringar</strong> diskuteras varje månad.</p>",
}


def demoar(idag) -> int:
    """Året demons händelser ligger i: de andra apparnas demodata fyller de tolv månaderna före idag, så
    från juli är det innevarande år, annars förra året. Då visar demoberättelsen en full rapport."""
    return idag.year if idag.month >= 7 else idag.year - 1


def seed(kontext) -> None:
    ar = demoar(kontext.idag)
    samordnare = kontext.anvandare.get("kvalitetssamordnare")
    for namnd in kontext.namnder:
        mal, skapat = Mal.objects.get_or_create(
            nod=namnd, ar=ar, rubrik="Den enskilde får sina insatser som planerat",
            defaults={"beskrivning": "Ur nämndens verksamhetsplan."},
        )  # fmt: skip
        if skapat:
            Malindikator.objects.create(
                mal=mal, namn="Andel avvikelser som är utebliven insats", malvarde=15, riktning=Riktning.LAGRE,
                kalla=Indikatorkalla.BERAKNAD, berakning=Berakning.ANDEL_UTEBLIVEN_INSATS,
            )  # fmt: skip
            Malindikator.objects.create(
                mal=mal, namn="Andel klagomål med återkoppling", malvarde=90,
                kalla=Indikatorkalla.BERAKNAD, berakning=Berakning.ANDEL_KLAGOMAL_ATERKOPPLADE,
            )  # fmt: skip
            Malindikator.objects.create(
                mal=mal, namn="Brukarbedömning hemtjänst: helhetssyn (%)", malvarde=90,
                kalla=Indikatorkalla.KOLADA, kolada_kpi="U21468",
            )  # fmt: skip
            trygg = Malindikator.objects.create(
                mal=mal, namn="Andel som känner sig trygga i särskilt boende", malvarde=85
            )
            Indikatorvarde.objects.create(indikator=trygg, ar=ar, varde=83, kalla=Indikatorkalla.MANUELL)
            Indikatorvarde.objects.create(indikator=trygg, ar=ar - 1, varde=80, kalla=Indikatorkalla.MANUELL)
        plan, skapat = Kontrollplan.objects.get_or_create(nod=namnd, ar=ar)
        if skapat:
            for aktivitet, ansvarig, nar, uppfoljning, iakttagelser in KONTROLLPUNKTER:
                Kontrollpunkt.objects.create(
                    plan=plan, aktivitet=aktivitet, ansvarig=ansvarig, nar=nar, uppfoljning=uppfoljning,
                    iakttagelser=iakttagelser, genomford=bool(iakttagelser),
                )  # fmt: skip
        if not Forbattringsatgard.objects.filter(nod=namnd, ar=ar + 1).exists():
            for omrade, atgard, ansvarig, uppfoljning in FORBATTRINGAR:
                Forbattringsatgard.objects.create(
                    nod=namnd,
                    ar=ar + 1,
                    omrade=omrade,
                    atgard=atgard,
                    ansvarig=ansvarig,
                    uppfoljning=uppfoljning,
                )
        if samordnare is not None:
            Kvalitetsberattelse.objects.get_or_create(
                nod=namnd, ar=ar,
                defaults={"skapad_av": samordnare, "texter": {k: rensa_html(v) for k, v in TEXTER.items()}},
            )  # fmt: skip
    # Exemplet har kommunkoden i inställningen; värden för förra året och året innan.
    innehall = EXEMPEL.read_text(encoding="utf-8").replace('"1499"', f'"{settings.KOLADA_KOMMUNKOD}"')
    innehall = innehall.replace("2024", str(ar)).replace("2023", str(ar - 1))
    kolada_importera(innehall=innehall)
    kontext.skriv(f"Kvalitetsarbete och kvalitetsberättelse {ar}: {len(kontext.namnder)} nämnder.")
