"""Data för markörorakelt (test_markororakel.py): poster av varje slag i båda nämnderna, där varje textfält
har en egen markör och varje markör hör till en familj. Vem som får se en familj står i orakelts
rolltabell, skriven för hand; den här modulen vet bara vad som skapats.

En markör är `Mrk` + fyra siffror + `q` (t.ex. `Mrk0042q`): fast längd, så att ingen är en del av en
annan, och bara bokstäver och siffror, så att den överlever html, JSON, CSV, xlsx och pdftotext. Det som
inte kan vara en markör (personnummer, en API-nyckel) registreras som en bokstavlig sträng.
"""

import datetime
import io
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from avvikelser import services as avvikelser_services
from avvikelser.models import Atgard as AvvikelseAtgard
from avvikelser.models import Avvikelse, Klagomal
from avvikelser.models import Bilaga as AvvikelseBilaga
from kvalitet.models import Rolltilldelning
from lexsarah import services as lexsarah_services
from lexsarah.models import Bilaga as LexSarahBilaga
from lexsarah.models import Rapport
from riskanalys import services as riskanalys_services
from riskanalys.models import Atgard as RiskAtgard
from riskanalys.models import Handelse as RiskHandelse
from riskanalys.models import Risk, Riskanalys
from tests.avvikelser.factories import KategoriFactory
from tests.factories import BrukareFactory, InsatsFactory, UserFactory, giltigt_personnummer
from tests.lexsarah.factories import AtgardFactory as LexSarahAtgardFactory
from tests.rapporter.factories import (
    ForbattringsatgardFactory,
    IndikatorvardeFactory,
    KontrollpunktFactory,
    KvalitetsberattelseFactory,
    MalindikatorFactory,
)
from tests.uppfoljning.factories import ForandringFactory, KontaktFactory, arende
from uppfoljning.models import EjVerkstalltBeslut, Individrapport

MONSTER = re.compile(r"mrk(\d{4})q")


@dataclass
class Markorer:
    """Register över markörer: markör (gemener) -> (familj, var den står)."""

    markorer: dict[str, tuple[str, str]] = field(default_factory=dict)
    bokstavliga: dict[str, tuple[str, str]] = field(default_factory=dict)

    def ny(self, familj: str, var: str) -> str:
        markor = f"Mrk{len(self.markorer) + 1:04d}q"
        self.markorer[markor.lower()] = (familj, var)
        return markor

    def bokstavlig(self, text: str, familj: str, var: str) -> None:
        self.bokstavliga[text.lower()] = (familj, var)

    @property
    def familjer(self) -> set[str]:
        return {f for f, _ in self.markorer.values()} | {f for f, _ in self.bokstavliga.values()}

    def hitta(self, text: str) -> dict[str, set[str]]:
        """Familj -> fälten vars markörer står i texten."""
        text = text.lower()
        funna: dict[str, set[str]] = {}
        for m in MONSTER.finditer(text):
            traff = self.markorer.get(m.group(0))
            if traff:
                funna.setdefault(traff[0], set()).add(traff[1])
        for bokstavlig, (familj, var) in self.bokstavliga.items():
            if bokstavlig in text:
                funna.setdefault(familj, set()).add(var)
        return funna


def _personnummer(m: Markorer, nummer: str, familj: str, var: str) -> None:
    # Tolv siffror, med bindestreck och kort form: alla sätt ett personnummer kan skrivas ut.
    for form in (nummer, f"{nummer[:8]}-{nummer[8:]}", f"{nummer[2:8]}-{nummer[8:]}"):
        m.bokstavlig(form, familj, var)


def _anvandare(m: Markorer, familj: str, roll: str, nod, epost: str):
    """En användare vars användarnamn, förnamn och efternamn alla är markörer i familjen."""
    user = UserFactory(
        username=m.ny(familj, "användarnamn"),
        first_name=m.ny(familj, "förnamn"),
        last_name=m.ny(familj, "efternamn"),
        email=epost,
    )
    Rolltilldelning.objects.create(anvandare=user, roll=roll, nod=nod)
    return user


def _namnd(m: Markorer, c: str, *, namnd, enhet, hl, ks, chef, rapportor, fodd):
    """Alla poster för en nämnd. `c` är "n1" eller "n2" och ingår i varje familjs namn."""
    idag = timezone.localdate()
    ids: dict[str, list[int]] = {}

    def spara(slag, *objekt):
        ids.setdefault(slag, []).extend(o.pk for o in objekt)

    # Enskilda: en vanlig och en med skyddad identitet, båda i handläggarens ärendeurval.
    nummer_b = giltigt_personnummer(fodd)
    b = BrukareFactory(
        namnd=namnd,
        handlaggare=hl,
        personnummer=nummer_b,
        fornamn=m.ny(f"brukare:{c}", "brukare.fornamn"),
        efternamn=m.ny(f"brukare:{c}", "brukare.efternamn"),
    )
    _personnummer(m, nummer_b, f"brukare:{c}", "brukare.personnummer")
    nummer_s = giltigt_personnummer(fodd + datetime.timedelta(days=1))
    s = BrukareFactory(
        namnd=namnd,
        handlaggare=hl,
        skyddad_identitet=True,
        personnummer=nummer_s,
        fornamn=m.ny(f"skyddad:{c}", "brukare.fornamn (skyddad)"),
        efternamn=m.ny(f"skyddad:{c}", "brukare.efternamn (skyddad)"),
    )
    _personnummer(m, nummer_s, f"skyddad:{c}", "brukare.personnummer (skyddad)")
    insatser = [InsatsFactory(brukare=x, enhet=enhet) for x in (b, s)]
    spara("brukare", b, s)
    spara("insats", *insatser)

    kategori = KategoriFactory(namn="Omsorg")

    # En avvikelse med namngiven rapportör (gäller den skyddade) och en anonym (gäller den vanliga).
    def avvikelse(familj, av, brukare, anonym):
        a = Avvikelse(
            enhet=enhet,
            brukare=brukare,
            anonym=anonym,
            handelsetid=timezone.now() - datetime.timedelta(hours=3),
            lag="SoL",
            kategori=kategori,
            beskrivning=m.ny(familj, "avvikelse.beskrivning"),
            atgard_direkt=m.ny(familj, "avvikelse.atgard_direkt"),
            konsekvens_for_brukaren=m.ny(familj, "avvikelse.konsekvens_for_brukaren"),
        )
        a = avvikelser_services.avvikelse_rapportera(avvikelse=a, av=av)
        a.slutsats = m.ny(familj, "avvikelse.slutsats")
        a.save(update_fields=["slutsats"])
        atg = AvvikelseAtgard.objects.create(
            avvikelse=a,
            text=m.ny(familj, "avvikelse.atgard.text"),
            effekt=m.ny(familj, "avvikelse.atgard.effekt"),
        )
        bil = AvvikelseBilaga(
            avvikelse=a, filnamn=f"{m.ny(familj, 'avvikelse.bilaga.filnamn')}.pdf", mime="application/pdf"
        )
        bil.storlek, bil.uppladdad_av = 20, av
        bil.fil.save("x.pdf", ContentFile(b"%PDF-1.4 bilaga"), save=False)
        bil.save()
        spara("avvikelse", a)
        spara("avvikelse_atgard", atg)
        spara("avvikelse_bilaga", bil)
        return a

    a_egen = avvikelse(f"avvikelse:{c}:egen", rapportor.egen, s, anonym=False)
    a_anonym = avvikelse(f"avvikelse:{c}:anonym", rapportor.anonym, b, anonym=True)

    k = Klagomal(
        enhet=enhet,
        namn=m.ny(f"klagomal:{c}", "klagomal.namn"),
        kontakt=m.ny(f"klagomal:{c}", "klagomal.kontakt"),
        beskrivning=m.ny(f"klagomal:{c}", "klagomal.beskrivning"),
        aterkoppling_hur=m.ny(f"klagomal:{c}", "klagomal.aterkoppling_hur"),
    )
    k = avvikelser_services.klagomal_registrera(klagomal=k, av=chef or ks)
    spara("klagomal", k)

    # Lex Sarah: rapportörens egen text, utredningen, rubriken (registret) och rapportören själv.
    r = Rapport(
        enhet=enhet,
        brukare=b,
        handelsetid=timezone.now() - datetime.timedelta(hours=5),
        upptackt=timezone.now() - datetime.timedelta(hours=4),
        sammanfattning=m.ny(f"lexsarah_rubrik:{c}", "rapport.sammanfattning"),
        beskrivning=m.ny(f"lexsarah_rapport:{c}", "rapport.beskrivning"),
        atgard_direkt=m.ny(f"lexsarah_rapport:{c}", "rapport.atgard_direkt"),
    )
    r = lexsarah_services.rapport_lamna(rapport=r, av=rapportor.lexsarah, ovriga_brukare=[s])
    u = f"lexsarah_utredning:{c}"
    for falt in ("forlopp", "konsekvenser", "enskildes_syn", "orsaker", "deltagare", "kallor", "motivering"):
        setattr(r, falt, m.ny(u, f"rapport.{falt}"))
    r.ivo_beslut = m.ny(u, "rapport.ivo_beslut")
    r.enskild_informerad_hur = m.ny(u, "rapport.enskild_informerad_hur")
    r.status, r.beslut, r.allvarligt, r.beslutad_av = "bedomd", "missforhallande", True, ks
    r.konsekvens, r.sannolikhet, r.beslutad = 3, 3, timezone.now()
    r.save()
    ls_atgard = LexSarahAtgardFactory(
        rapport=r, text=m.ny(u, "lexsarah.atgard.text"), resultat=m.ny(u, "lexsarah.atgard.resultat")
    )
    ls_bilaga = LexSarahBilaga(rapport=r, filnamn=f"{m.ny(u, 'lexsarah.bilaga.filnamn')}.pdf")
    ls_bilaga.mime, ls_bilaga.storlek, ls_bilaga.uppladdad_av = "application/pdf", 20, ks
    ls_bilaga.fil.save("x.pdf", ContentFile(b"%PDF-1.4 bilaga"), save=False)
    ls_bilaga.save()
    spara("lexsarah", r)
    spara("lexsarah_atgard", ls_atgard)
    spara("lexsarah_bilaga", ls_bilaga)

    # Riskanalys vid enheten, med de båda enskilda.
    f = f"riskanalys:{c}"
    analys = Riskanalys.objects.create(
        nod=enhet,
        # Rubriken har en egen familj: nämndens handläggare väljer analysen till sina förändringar (issue 19).
        titel=m.ny(f"riskanalys_titel:{c}", "riskanalys.titel"),
        forandring=m.ny(f, "riskanalys.forandring"),
        deltagare=m.ny(f, "riskanalys.deltagare"),
        utvardering=m.ny(f, "riskanalys.utvardering"),
        kvarstar=m.ny(f, "riskanalys.kvarstar"),
        datum=idag,
        skapad_av=ks,
    )
    analys.brukare.set([b, s])
    risk = Risk.objects.create(
        analys=analys,
        beskrivning=m.ny(f, "risk.beskrivning"),
        orsak=m.ny(f, "risk.orsak"),
        konsekvens=3,
        sannolikhet=3,
    )
    ra_atgard = RiskAtgard.objects.create(
        risk=risk,
        text=m.ny(f, "riskanalys.atgard.text"),
        resultat=m.ny(f, "riskanalys.atgard.resultat"),
        uppfoljning=m.ny(f, "riskanalys.atgard.uppfoljning"),
        ansvarig=chef or ks,
        klar_senast=idag - datetime.timedelta(days=10),
    )
    RiskHandelse.objects.create(analys=analys, av=ks, text=m.ny(f, "riskanalys.handelse.text"))
    # Fastställd: påminnelsen om den försenade åtgärden (med åtgärdens text och analysens titel) e-postas.
    riskanalys_services.analys_faststall(analys=analys, av=ks)
    spara("riskanalys", analys)
    spara("risk", risk)
    spara("riskanalys_atgard", ra_atgard)

    # Uppföljning: förändringen (inga personuppgifter; cheferna vid enheten läser den) och ärendena.
    fr = ForandringFactory(
        nod=namnd,
        rubrik=m.ny(f"forandring:{c}", "forandring.rubrik"),
        orsak=m.ny(f"forandring:{c}", "forandring.orsak"),
        beslutad_av=m.ny(f"forandring:{c}", "forandring.beslutad_av"),
        skapad_av=hl,
    )
    fr.enheter.set([enhet])
    spara("forandring", fr)
    f = f"uppfoljning:{c}"
    for x in (b, s):
        a = arende(
            x,
            forandring=fr,
            nod=enhet,
            behov=m.ny(f, "arende.behov"),
            atgarder=m.ny(f, "arende.atgarder"),
            fortsattning=m.ny(f, "arende.fortsattning"),
        )
        kontakt = KontaktFactory(
            arende=a,
            gjord_av=hl,
            vad_sades=m.ny(f, "kontakt.vad_sades"),
            enskildes_syn=m.ny(f, "kontakt.enskildes_syn"),
        )
        spara("arende", a)
        spara("kontakt", kontakt)

    # Ett ej verkställt beslut och dess individrapport till IVO.
    f = f"ejverkstallt:{c}"
    insats = InsatsFactory(
        brukare=b, enhet=enhet, beslutsdatum=idag - datetime.timedelta(days=200), startdatum=None
    )
    beslut = EjVerkstalltBeslut.objects.create(
        insats=insats,
        fran=insats.beslutsdatum,
        brukare=b,
        namnd=namnd,
        lag=insats.lag,
        pseudonym=f"{fodd:%Y%m%d}-A{c[-1]}23",
        orsak=m.ny(f, "ejverkstallt.orsak"),
        konsekvenser=m.ny(f, "ejverkstallt.konsekvenser"),
        under_vantan=m.ny(f, "ejverkstallt.under_vantan"),
        erbjudanden=m.ny(f, "ejverkstallt.erbjudanden"),
    )
    rapport = Individrapport.objects.create(
        beslut=beslut,
        ar=idag.year,
        kvartal=1,
        data={"pseudonym": beslut.pseudonym, "orsak": m.ny(f, "individrapport.data")},
    )
    spara("insats", insats)
    spara("ejverkstallt", beslut)
    spara("individrapport", rapport)

    # Kvalitetsarbete på nämnden (gäller också enheterna under den).
    f = f"kvalitetsarbete:{c}"
    ind = MalindikatorFactory(
        mal__nod=namnd,
        mal__ar=idag.year,
        mal__rubrik=m.ny(f, "mal.rubrik"),
        mal__beskrivning=m.ny(f, "mal.beskrivning"),
        namn=m.ny(f, "malindikator.namn"),
    )
    varde = IndikatorvardeFactory(indikator=ind, ar=idag.year)
    punkt = KontrollpunktFactory(
        plan__nod=namnd,
        plan__ar=idag.year,
        plan__rubrik=m.ny(f, "kontrollplan.rubrik"),
        aktivitet=m.ny(f, "kontrollpunkt.aktivitet"),
        ansvarig=m.ny(f, "kontrollpunkt.ansvarig"),
        nar=m.ny(f, "kontrollpunkt.nar"),
        uppfoljning=m.ny(f, "kontrollpunkt.uppfoljning"),
        iakttagelser=m.ny(f, "kontrollpunkt.iakttagelser"),
    )
    forb = ForbattringsatgardFactory(
        nod=namnd,
        ar=idag.year,
        omrade=m.ny(f, "forbattringsatgard.omrade"),
        atgard=m.ny(f, "forbattringsatgard.atgard"),
        ansvarig=m.ny(f, "forbattringsatgard.ansvarig"),
        uppfoljning=m.ny(f, "forbattringsatgard.uppfoljning"),
    )
    spara("mal", ind.mal)
    spara("malindikator", ind)
    spara("indikatorvarde", varde)
    spara("kontrollplan", punkt.plan)
    spara("kontrollpunkt", punkt)
    spara("forbattringsatgard", forb)

    # Kvalitetsberättelsens utkast (bara samordnaren läser utkastet).
    f = f"berattelse:{c}"
    berattelse = KvalitetsberattelseFactory(
        nod=namnd,
        ar=idag.year,
        skapad_av=ks,
        texter={
            "sammanfattning": f"<p>{m.ny(f, 'berattelse.texter.sammanfattning')}</p>",
            "bakgrund": f"<p>{m.ny(f, 'berattelse.texter.bakgrund')}</p>",
        },
        ivo_tillsyn=m.ny(f, "berattelse.ivo_tillsyn"),
    )
    spara("berattelse", berattelse)

    return ids, SimpleNamespace(
        b=b,
        s=s,
        a_egen=a_egen,
        a_anonym=a_anonym,
        klagomal=k,
        lexsarah=r,
        riskanalys=analys,
        berattelse=berattelse,
    )


_PDF: dict[str, bytes] = {}


def _utkast_pdf(berattelse, av) -> None:
    """Utkastets PDF. Den byggs (WeasyPrint) en gång per körning: markörerna numreras i samma ordning i
    varje bygge, så samma PDF gäller för varje test; sedan sparas den bara på berättelsen."""
    from rapporter import services as rapporter_services
    from rapporter.models import Kvalitetsberattelse, Pdfstatus

    if "utkast" not in _PDF:
        Kvalitetsberattelse.objects.filter(pk=berattelse.pk).update(pdf_status=Pdfstatus.KOAD)
        assert rapporter_services.pdf_bygg(berattelse_id=berattelse.pk, anvandare_id=av.pk)
        berattelse.refresh_from_db()
        with berattelse.pdf.open("rb") as f:
            _PDF["utkast"] = f.read()
        return
    berattelse.pdf.save(f"kvalitetsberattelse-{berattelse.pk}.pdf", ContentFile(_PDF["utkast"]), save=False)
    Kvalitetsberattelse.objects.filter(pk=berattelse.pk).update(
        pdf=berattelse.pdf.name, pdf_status=Pdfstatus.KLAR
    )


def bygg(org, cast, *, pdf: bool = True):
    """Bygger allt. Ger (markörer, id per slag, nämndernas poster, de extra användarna)."""
    m = Markorer()
    # Extra personer utöver rollbesättningen: en andra handläggare i N1 (inte ärendets), en användare vars
    # samordnarroll gått ut, och per nämnd en anonym avvikelserapportör och en lex Sarah-rapportör.
    gar = timezone.localdate() - datetime.timedelta(days=1)
    extra = SimpleNamespace(
        hilda=UserFactory(username="hilda", first_name="Hilda", email="hilda@kommun.example"),
        utgangen=UserFactory(username="utgangen", first_name="Utgången", email="utgangen@kommun.example"),
        anonym1=_anvandare(m, "anonym:n1", "personal", org.e1, "anonym1@kommun.example"),
        anonym2=_anvandare(m, "anonym:n2", "personal", org.e4, "anonym2@kommun.example"),
        lexsarah1=_anvandare(m, "lexsarah_rapportor:n1", "personal", org.e1, "lexsarah1@kommun.example"),
        lexsarah2=_anvandare(m, "lexsarah_rapportor:n2", "personal", org.e4, "lexsarah2@kommun.example"),
    )
    Rolltilldelning.objects.create(anvandare=extra.hilda, roll="handlaggare", nod=org.n1)
    Rolltilldelning.objects.create(
        anvandare=extra.utgangen,
        roll="kvalitetssamordnare",
        nod=org.n1,
        giltig_fran=gar - datetime.timedelta(days=365),
        giltig_till=gar,
    )

    ids1, n1 = _namnd(
        m,
        "n1",
        namnd=org.n1,
        enhet=org.e1,
        hl=cast.hanna,
        ks=cast.kim,
        chef=cast.erik,
        rapportor=SimpleNamespace(egen=cast.pia, anonym=extra.anonym1, lexsarah=extra.lexsarah1),
        fodd=datetime.date(1931, 7, 13),
    )
    ids2, n2 = _namnd(
        m,
        "n2",
        namnd=org.n2,
        enhet=org.e4,
        hl=cast.hugo,
        ks=cast.sofia,
        chef=None,
        rapportor=SimpleNamespace(egen=cast.hugo, anonym=extra.anonym2, lexsarah=extra.lexsarah2),
        fodd=datetime.date(1933, 3, 21),
    )
    ids = {slag: ids1.get(slag, []) + ids2.get(slag, []) for slag in ids1.keys() | ids2.keys()}

    # En API-nyckel för hugo, som ingen annan (inte heller admin) får kunna läsa.
    ut = io.StringIO()
    call_command("create_api_token", cast.hugo.username, stdout=ut)
    nyckel = max(re.findall(r"[A-Za-z0-9_\-\.]{20,}", ut.getvalue()), key=len)
    m.bokstavlig(nyckel, "token:hugo", "API-nyckel")

    if pdf:
        _utkast_pdf(n1.berattelse, cast.kim)
    return m, ids, SimpleNamespace(n1=n1, n2=n2), extra
