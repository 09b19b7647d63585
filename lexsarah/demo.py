"""Demodata: lex Sarah-ärenden i alla statusar, med utredning, bedömning, IVO-anmälan och åtgärder."""

import datetime

from django.utils import timezone

from kvalitet.models import Insats
from lexsarah.models import Atgard, AtgardTyp, Beslut, Handelse, Rapport, Status
from lexsarah.services import bedomning_frist

HANDELSER = [
    (
        "Utebliven tillsyn nattetid",
        "Planerad tillsyn kl 02 uteblev; den enskilde hittades på golvet på morgonen.",
        "Schemat saknade en person och överlämningen vid skiftbyte följdes inte.",
    ),
    (
        "Brister i läkemedelshantering",
        "Den enskilde fick inte sina läkemedel under tre dagar.",
        "Signeringslistan kontrollerades inte; introduktionen av ny personal saknade läkemedelsmomentet.",
    ),
    (
        "Kränkande bemötande",
        "Personal talade nedsättande till den enskilde inför andra boende.",
        "Hög arbetsbelastning och brist på handledning i bemötandefrågor.",
    ),
    (
        "Utebliven hjälp med måltid",
        "Den enskilde fick ingen lunch; besöket ströks utan att någon meddelades.",
        "Planeringssystemet tog bort besöket vid omplanering; ingen kontroll av strukna besök.",
    ),
    (
        "Beslut inte verkställt i tid",
        "Beslutad korttidsvistelse kunde inte verkställas på fem veckor.",
        "Platsbrist och ingen rutin för att erbjuda alternativ under väntetiden.",
    ),
    (
        "Försummad tillsyn vid promenad",
        "Den enskilde lämnades ensam ute och hittades av granne.",
        "Genomförandeplanen var inte uppdaterad efter ändrat hälsotillstånd.",
    ),
]
# Äldre ärenden är längre komna; varje status förekommer.
STATUSAR = [
    Status.AVSLUTAD,
    Status.AVSLUTAD,
    Status.ATGARDER_UPPFOLJDA,
    Status.ANMALD_IVO,
    Status.BEDOMD,
    Status.UTREDNING,
    Status.RAPPORT,
]


def seed(kontext) -> None:
    """Idempotent: finns demoärenden redan görs ingenting. Ungefär ett ärende per tre enheter och år."""
    if Rapport.objects.filter(referensnummer__startswith="DEMO-LS").exists():
        kontext.skriv("Lex Sarah: demodata finns redan.")
        return
    slump = kontext.slump
    anv = kontext.anvandare
    samordnare = anv.get("kvalitetssamordnare") or next(iter(anv.values()))
    personal = anv.get("personal") or samordnare
    nu = timezone.now()
    enheter = list(kontext.enheter)
    antal = max(len(STATUSAR), int(len(enheter) / 3 * kontext.skala))
    for lopnr in range(1, antal + 1):
        enhet = enheter[(lopnr * 7) % len(enheter)]
        status = STATUSAR[(lopnr - 1) % len(STATUSAR)]
        rubrik, text, orsak = HANDELSER[(lopnr - 1) % len(HANDELSER)]
        dagar = {Status.RAPPORT: 1, Status.UTREDNING: 6, Status.BEDOMD: 12, Status.ANMALD_IVO: 25}.get(
            status, slump.randint(40, 350)
        )
        rapporterad = nu - datetime.timedelta(days=dagar)
        chef = kontext.chef_for(enhet) if hasattr(kontext, "chef_for") else None
        av = chef if chef is not None and slump.random() < 0.6 else personal  # oftast chefer, som i seed 003
        brukare_id = Insats.objects.filter(enhet=enhet).values_list("brukare_id", flat=True).first()
        allvarligt = status == Status.ANMALD_IVO or (
            status in (Status.AVSLUTAD, Status.ATGARDER_UPPFOLJDA) and lopnr % 3 == 0
        )
        bedomd = status not in (Status.RAPPORT, Status.UTREDNING)
        r = Rapport(
            referensnummer=f"DEMO-LS{lopnr:05d}",
            enhet=enhet,
            brukare_id=brukare_id,
            rapporterad_av=av,
            rapportor_chef=av is chef,
            handelsetid=rapporterad - datetime.timedelta(hours=10),
            upptackt=rapporterad - datetime.timedelta(hours=2),
            sammanfattning=rubrik,
            beskrivning=text,
            atgard_direkt="Sjuksköterska kontaktades och anhöriga informerades samma dag.",
            status=status,
            bedomning_senast=bedomning_frist(rapporterad),
        )
        if status != Status.RAPPORT:
            r.forlopp = text + " Personalen på passet har intervjuats."
            r.konsekvenser = "Den enskilde blev orolig och fick besvär som krävde extra tillsyn."
            r.enskildes_syn = "Den enskilde och dottern anser att händelsen inte får upprepas."
            r.orsaker = orsak
            r.deltagare = "Kvalitetssamordnare och enhetschef"
            r.kallor = "Journalanteckningar, schema, samtal med personal och den enskilde"
        if bedomd:
            r.konsekvens, r.sannolikhet = (4, 3) if allvarligt else (2, slump.randint(1, 3))
            r.beslut = Beslut.MISSFORHALLANDE if allvarligt else slump.choice(list(Beslut))
            r.allvarligt = allvarligt
            r.motivering = "Bedömningen grundas på utredningen och konsekvensen för den enskilde."
            r.beslutad_av, r.beslutad = (
                samordnare,
                rapporterad + datetime.timedelta(days=slump.randint(5, 14)),
            )
        if allvarligt:
            r.ivo_skickad = (rapporterad + datetime.timedelta(days=3)).date()
            r.ivo_diarienummer = f"3.1-{10000 + lopnr}/{r.ivo_skickad:%Y}"
            r.ivo_fore_utredning = True
            r.enskild_informerad = r.ivo_skickad
            r.enskild_informerad_hur = "Muntligt vid besök och med brev"
            if status != Status.ANMALD_IVO:
                r.ivo_komplettering = r.ivo_skickad + datetime.timedelta(days=14)
        if status == Status.AVSLUTAD:
            r.avslutad = rapporterad + datetime.timedelta(days=60)
        r.save()
        Rapport.objects.filter(pk=r.pk).update(rapporterad=rapporterad)
        if brukare_id and lopnr % 4 == 0:
            # Några händelser berör fler än en enskild (t.ex. två boende i samma rum).
            annan = (
                Insats.objects.filter(enhet=enhet)
                .exclude(brukare_id=brukare_id)
                .values_list("brukare_id", flat=True)
                .first()
            )
            if annan:
                r.ovriga_brukare.set([annan])
        Handelse.objects.create(rapport=r, av=av, text="Rapporten lämnades.", till_status=Status.RAPPORT)
        if status != Status.RAPPORT:
            Handelse.objects.create(
                rapport=r, av=samordnare, text="Utredning påbörjad.", till_status=Status.UTREDNING
            )
            klar = status in (Status.ATGARDER_UPPFOLJDA, Status.AVSLUTAD)
            Atgard.objects.create(
                rapport=r,
                typ=AtgardTyp.DIREKT,
                text="Extra tillsyn införd direkt.",
                uppfoljd=r.handelsetid.date() + datetime.timedelta(days=7) if klar or bedomd else None,
                resultat="Genomförd." if klar or bedomd else "",
                effekt_bedomning="ja" if klar or bedomd else "",
            )
            Atgard.objects.create(
                rapport=r,
                text="Rutinen gås igenom på arbetsplatsträff och introduktionen kompletteras.",
                ansvarig=chef,
                klar_senast=(rapporterad + datetime.timedelta(days=45)).date(),
                uppfoljd=(rapporterad + datetime.timedelta(days=50)).date() if klar else None,
                resultat="Rutinen följs enligt stickprov." if klar else "",
                effekt_bedomning="ja" if klar else "",
            )
        if status not in (Status.RAPPORT, Status.UTREDNING):
            Handelse.objects.create(
                rapport=r, av=samordnare, text=f"Status: {Status(status).label}", till_status=status
            )
    kontext.skriv(f"Lex Sarah: {antal} ärenden.")
