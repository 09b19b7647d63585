import importlib
import io
import random

from django.core.management import call_command
from django.utils import timezone

from kvalitet import demo
from kvalitet.models.kvalitetsarbete import Jamforelsevarde, Kontrollpunkt, Mal, Malindikator
from rapporter import demo as rapporter_demo
from rapporter import queries
from rapporter.models import Kvalitetsberattelse


def _kontext():
    kommun, namnder, omraden, enheter = demo.bygg_organisation()
    return demo.DemoKontext(
        skala=1,
        slump=random.Random(1),
        kommun=kommun,
        namnder=namnder,
        omraden=omraden,
        enheter=enheter,
        anvandare=demo.bygg_anvandare(),
        idag=timezone.localdate(),
        skriv=lambda *_: None,
    )


def test_demo_gives_every_committee_goals_control_plan_and_a_draft_report_idempotently(db):
    call_command("seed_demo", "--utan-appar", stdout=io.StringIO())
    kontext = _kontext()
    rapporter_demo.seed(kontext)
    antal = (Mal.objects.count(), Malindikator.objects.count(), Kontrollpunkt.objects.count(),
             Kvalitetsberattelse.objects.count(), Jamforelsevarde.objects.count())  # fmt: skip
    assert antal[0] == len(kontext.namnder) and antal[3] == len(kontext.namnder)
    assert all(antal)
    rapporter_demo.seed(_kontext())
    assert (Mal.objects.count(), Malindikator.objects.count(), Kontrollpunkt.objects.count(),
            Kvalitetsberattelse.objects.count(), Jamforelsevarde.objects.count()) == antal  # fmt: skip
    b = Kvalitetsberattelse.objects.select_related("nod").first()
    data = queries.samla(kontext.anvandare["kvalitetssamordnare"], b.nod, b.ar)
    kolada = next(i for m in data["mal"] for i in m["indikatorer"] if "Kolada" in i["kalla"])
    assert kolada["varde"] == 91.0


def test_demo_municipality_pdf_has_working_toc_and_the_expected_numbers(db, tmp_path, pdftotext):
    import re
    import subprocess

    from avvikelser.models import Avvikelse, Klagomal
    from lexsarah.models import Rapport
    from riskanalys.models import Riskanalys

    call_command("seed_demo", "--utan-appar", stdout=io.StringIO())
    kontext = _kontext()
    # Alla appars demodata, i samma ordning som seed_demo.
    for app in ("riskanalys", "avvikelser", "lexsarah", "uppfoljning"):
        importlib.import_module(f"{app}.demo").seed(kontext)
    rapporter_demo.seed(kontext)
    b = Kvalitetsberattelse.objects.select_related("nod").get(nod=kontext.namnder[0])
    ut = tmp_path / "demo.pdf"
    call_command("kvalitetsberattelse", "--namnd", str(b.nod.pk), "--ar", str(b.ar), "--out", str(ut),
                 stdout=io.StringIO())  # fmt: skip
    text = subprocess.run(
        ["pdftotext", "-layout", str(ut), "-"], capture_output=True, check=True
    ).stdout.decode()
    sidor = text.split("\f")
    # Oberoende räkning: nämndens avvikelser med händelse under året.
    antal = Avvikelse.objects.filter(enhet__sokvag__startswith=b.nod.sokvag, handelsetid__year=b.ar).count()
    assert antal > 0
    rad = next(r for r in text.splitlines() if "Avvikelser enl. SoL, LSS" in r)
    assert rad.split()[-1] == str(antal)
    assert f"Avvikelser {b.ar} per kategori (totalt {antal})" in text
    under = b.nod.sokvag
    klagomal = Klagomal.objects.filter(enhet__sokvag__startswith=under, inkommet__year=b.ar).count()
    rad = next(r for r in text.splitlines() if "Inkomna totalt" in r)
    assert rad.split()[-1] == str(klagomal)
    lex = [Rapport.objects.filter(enhet__sokvag__startswith=under, rapporterad__year=a).count()
           for a in range(b.ar - 3, b.ar + 1)]  # fmt: skip
    rad = next(r for r in text.splitlines() if r.strip().startswith("Lex Sarah") and r.split()[-1].isdigit())
    assert rad.split()[-4:] == [str(n) for n in lex]
    risk = [Riskanalys.objects.filter(nod__sokvag__startswith=under, aktuell=True, datum__year=a).count()
            for a in (b.ar, b.ar - 1)]  # fmt: skip
    rad = next(r for r in text.splitlines() if "Genomförda riskanalyser" in r)
    assert rad.split()[-2:] == [str(risk[0]), f"({risk[1]})"]
    # Innehållsförteckningens poster är klickbara länkar inom dokumentet.
    objekt = _uppackad(ut.read_bytes())
    assert len(re.findall(rb"/Subtype\s*/Link", objekt)) >= 14
    # Innehållsförteckningen: varje post pekar på sidan där avsnittets rubrik står.
    toc = [r for r in sidor[1].splitlines() if re.search(r"\.{3,}\s*\d+\s*$", r)]
    from rapporter.models import AVSNITT

    assert len(toc) == len(AVSNITT)  # ett avsnitt per post (också "Samlad analys")
    for nr, rad in enumerate(toc, start=1):
        sida = int(rad.split()[-1])
        rubrik = re.sub(r"\s*\.{3,}.*$", "", rad).strip()
        assert rubrik.startswith(f"{nr}. ")
        assert rubrik in sidor[sida - 1], (rubrik, sida)
    assert f"Sida 2 av {len(sidor) - 1}" in text or f"Sida 2 av {len(sidor)}" in text


def _uppackad(pdf: bytes) -> bytes:
    """PDF:en med alla Flate-komprimerade strömmar uppackade (länkar ligger i komprimerade objektströmmar)."""
    import re
    import zlib

    delar = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            delar.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return b"".join(delar)
