"""Demodata: en förändring i varje nämnd med berörda i olika skeden (några luckor att agera på), en som
saknar riskanalys, enskilda som själva pausat, och ej verkställda beslut härledda ur insatserna."""

import datetime
import random
from collections import Counter

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_update_with_history

from kvalitet.models import Brukare, Insats, Insatstyp, OrgNod
from uppfoljning import services
from uppfoljning.models import (
    EjVerkstalltBeslut,
    Forandring,
    ForandringTyp,
    Huvudrapportor,
    Kanal,
    Kontakt,
    MedVem,
    Uppfoljningsarende,
    Utfall,
)

FORANDRINGAR = [
    (
        ForandringTyp.INSTALLD,
        "{typ} stängs tillfälligt i {namnd}",
        "Smittspridning i verksamheten; lokalerna behövs för vaccinationer.",
    ),
    (
        ForandringTyp.DIGITAL_FORM,
        "{typ} ges digitalt i {namnd}",
        "Besöken ersätts av videosamtal under vintern för att minska smittrisken.",
    ),
]
BEHOV = [
    "Risk för isolering och ensamhet när dagverksamheten är stängd.",
    "Försämrad psykisk hälsa; den enskilde beskriver oro och sömnproblem.",
    "Behöver annat stöd: promenader och hjälp med inköp.",
    "Anhörig avlastas inte längre; risk för att anhörig blir utmattad.",
]
ATGARDER = [
    "Telefonsamtal från kontaktperson två gånger i veckan.",
    "Utökad hemtjänst med promenad tre gånger i veckan.",
    "Digitala träffar med gruppen varje tisdag.",
    "Avlösning i hemmet åtta timmar per vecka.",
]
SAGT = [
    "Den enskilde förstår beslutet men saknar sina vänner på dagverksamheten.",
    "Anhörig är orolig för att hen blir mer nedstämd.",
    "Den enskilde tycker att videosamtal fungerar bra.",
]
# Den enskildes egna ord (utan namn), för rösten på täckningen och i kvalitetsberättelsen.
CITAT = [
    "Jag fick vara med och bestämma hur det skulle bli när dagverksamheten stängde.",
    "Det är tyst hemma nu. Jag saknar att prata med de andra.",
    "Videosamtalen fungerar bättre än jag trodde.",
    "Ingen frågade mig innan, men handläggaren ringde efteråt och lyssnade.",
    "Promenaderna gör att jag orkar med veckan.",
]


def seed(kontext) -> None:
    """Idempotent: finns demoförändringar redan görs ingenting."""
    if Forandring.objects.filter(beslutad_av__startswith="Demo: ").exists():
        kontext.skriv("Uppföljning: demodata finns redan.")
        return
    with transaction.atomic():
        _seed(kontext)


def _seed(kontext) -> None:
    slump, idag = kontext.slump, kontext.idag
    handlaggare = kontext.anvandare.get("handlaggare") or next(iter(kontext.anvandare.values()))
    antal_arenden = 0
    for i, namnd in enumerate(kontext.namnder):
        enheter = [e for e in kontext.enheter if e.sokvag.startswith(namnd.sokvag)]
        typer = Counter(
            Insats.objects.filter(enhet__in=enheter, slutdatum__isnull=True).values_list("typ_id", flat=True)
        )
        if not typer:
            continue
        samordnare = _roll(namnd, "kvalitetssamordnare")
        if samordnare:
            Huvudrapportor.objects.get_or_create(namnd=namnd, defaults={"anvandare": samordnare})
        for j, (typ_id, _) in enumerate(typer.most_common(2)):
            slag, rubrik, orsak = FORANDRINGAR[j % len(FORANDRINGAR)]
            typ = Insatstyp.objects.get(pk=typ_id)
            berorda_enheter = [e for e in enheter if Insats.objects.filter(enhet=e, typ=typ).exists()]
            riskanalys = _riskanalys(namnd) if j == 0 else None  # den andra saknar riskanalys: en lucka
            fran = idag - datetime.timedelta(days=60 + 20 * j)
            forandring = services.forandring_registrera(
                forandring=Forandring(
                    nod=namnd,
                    rubrik=rubrik.format(typ=typ.namn, namnd=namnd.namn)[:200],
                    typ=slag,
                    insatstyp=typ,
                    giltig_fran=fran,
                    giltig_till=fran + datetime.timedelta(days=120),
                    orsak=orsak,
                    beslutad_av=f"Demo: {namnd.namn}, ordförandebeslut",
                    riskanalys=riskanalys,
                ),
                enheter=berorda_enheter,
                av=handlaggare,
            )
            antal_arenden += services.berorda_valj(forandring=forandring, datum=fran, av=handlaggare)
            _framsteg(forandring, slump, idag, fran)
        # Någon som själv pausat sin insats.
        for brukare in Brukare.objects.filter(namnd=namnd, handlaggare__isnull=False).order_by("pk")[:2]:
            services.arende_skapa(brukare=brukare, egen_typ=ForandringTyp.PAUSAD_PA_BEGARAN, av=handlaggare)
            antal_arenden += 1
        del i
    harlett = services.ej_verkstallda_harled(idag=idag)
    _dokumentera_beslut(slump)
    kontext.skriv(f"Uppföljning: {antal_arenden} ärenden, {harlett['nya']} ej verkställda beslut.")


def _roll(nod: OrgNod, roll: str):
    from kvalitet.models import Rolltilldelning

    rt = Rolltilldelning.objects.filter(nod=nod, roll=roll).select_related("anvandare").order_by("pk").first()
    return rt.anvandare if rt else None


def _riskanalys(namnd: OrgNod):
    # Modellen genom förändringens relation: demon importerar inte riskanalysens modeller.
    riskanalys = Forandring._meta.get_field("riskanalys").related_model
    return (
        riskanalys.objects.filter(Q(nod=namnd) | Q(nod__sokvag__startswith=namnd.sokvag))
        .order_by("-datum")
        .first()
    )


def _framsteg(forandring, slump, idag, fran) -> None:
    """Ungefär 80 % kontaktade, 60 % bedömda, 40 % uppföljda: luckorna syns på översikten."""
    arenden = list(forandring.arenden.select_related("handlaggare"))
    kontakter = []
    # Egen slump för rösten och utförarkontakterna, så att den ursprungliga fördelningen står kvar. Fröet är
    # förändringens innehåll, inte dess id: id:t beror på vad databasen haft i sig förut (testerna i olika
    # ordning), och demon ska se likadan ut varje gång.
    rost = random.Random(f"{forandring.rubrik}|{forandring.giltig_fran.isoformat()}")
    for a in arenden:
        tal = slump.random()
        if tal < 0.8 and a.handlaggare_id:
            datum = min(idag, fran + datetime.timedelta(days=slump.randrange(1, 20)))
            a.forsta_kontakt = datum
            svar = {}
            if rost.random() < 0.6:
                svar = {
                    "rost_delaktig": rost.choice(["ja", "ja", "delvis", "nej", "vill_inte"]),
                    "rost_behov": rost.choice(["ja", "ja", "delvis", "nej"]),
                    "rost_upplevelse": rost.choice(["bra", "bra", "varken", "dalig", "vill_inte"]),
                    "citat": rost.choice(CITAT) if rost.random() < 0.3 else "",
                }
            kontakter.append(
                Kontakt(
                    arende=a,
                    datum=datum,
                    kanal=slump.choice(Kanal.values),
                    med_vem=slump.choice(
                        [MedVem.ENSKILD, MedVem.ENSKILD, MedVem.NARSTAENDE, MedVem.FORETRADARE]
                    ),
                    gjord_av_id=a.handlaggare_id,
                    vad_sades=slump.choice(SAGT),
                    enskildes_syn=slump.choice(SAGT),
                    delaktig=slump.random() < 0.7,
                    **svar,
                )
            )
        elif a.handlaggare_id and rost.random() < 0.5:
            # IVO:s Stockholmsbeslut: utföraren, inte nämnden, har haft kontakten (indirekt).
            a.indirekt_kontakt = min(idag, fran + datetime.timedelta(days=rost.randrange(1, 20)))
            kontakter.append(
                Kontakt(
                    arende=a,
                    datum=a.indirekt_kontakt,
                    kanal=Kanal.TELEFON,
                    med_vem=MedVem.UTFORARE,
                    gjord_av_id=a.handlaggare_id,
                    vad_sades="Utföraren berättar att det fungerar som vanligt.",
                )
            )
            if rost.random() < 0.5 and a.indirekt_kontakt + datetime.timedelta(days=30) <= idag:
                a.uppfoljning_gjord = a.indirekt_kontakt + datetime.timedelta(days=30)
                a.utfall = Utfall.JA
                a.uppfoljd_utan_kontakt = True
                a.fortsattning = "Följs upp som vanligt via utföraren."
        if tal < 0.6 and a.forsta_kontakt:
            a.behov = slump.choice(BEHOV)
            a.behov_bedomt = a.forsta_kontakt
            a.atgarder_behovs = slump.random() < 0.7
            a.atgarder = slump.choice(ATGARDER) if a.atgarder_behovs else ""
            a.uppfoljning_planerad = a.forsta_kontakt + datetime.timedelta(days=30)
        if tal < 0.4 and a.uppfoljning_planerad and a.uppfoljning_planerad <= idag:
            a.uppfoljning_gjord = a.uppfoljning_planerad
            a.utfall = slump.choice([Utfall.JA, Utfall.JA, Utfall.DELVIS, Utfall.NEJ])
            a.fortsattning = "Fortsatt kontakt tills verksamheten öppnar igen."
    Kontakt.objects.bulk_create(kontakter, batch_size=2000)
    # Samordnaren har valt två citat till kvalitetsberättelsen (aldrig en skyddad identitets).
    valda = (
        Kontakt.objects.filter(arende__forandring=forandring, arende__brukare__skyddad_identitet=False)
        .exclude(citat="")
        .order_by("pk")
        .values_list("pk", flat=True)[:2]
    )
    Kontakt.objects.filter(pk__in=list(valda)).update(citat_valt=True)
    bulk_update_with_history(
        arenden,
        Uppfoljningsarende,
        [
            "forsta_kontakt",
            "indirekt_kontakt",
            "uppfoljd_utan_kontakt",
            "behov",
            "behov_bedomt",
            "atgarder_behovs",
            "atgarder",
            "uppfoljning_planerad",
            "uppfoljning_gjord",
            "utfall",
            "fortsattning",
        ],
        batch_size=2000,
    )


def _dokumentera_beslut(slump) -> None:
    beslut = list(EjVerkstalltBeslut.objects.filter(orsak=""))
    for b in beslut:
        if slump.random() < 0.6:
            b.orsak = slump.choice(
                [
                    "Ingen ledig plats i gruppbostad.",
                    "Brist på kontaktpersoner.",
                    "Den enskilde tackade nej till erbjuden plats.",
                ]
            )
            b.under_vantan = "Utökad hemtjänst och korttidsvistelse varannan helg."
            b.erbjudanden = "Erbjudande om plats lämnat; uppföljande samtal efter två veckor."
    bulk_update_with_history(
        beslut, EjVerkstalltBeslut, ["orsak", "under_vantan", "erbjudanden"], batch_size=2000
    )
