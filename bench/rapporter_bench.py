"""Kvalitetsberättelsen för ett nämnd-år i stor skala: tid att samla siffrorna, tid att rendera PDF:en
och högsta minnesanvändning.

Datamängden: demokommunen (`seed_demo --scale 2 --utan-appar` + rapporter-demon) och 30 000 avvikelser
och 3 000 klagomål under året i den första nämnden (INSERT … SELECT i PostgreSQL), 60 mål-indikatorer
och 40 kontrollpunkter. Egen databas, så att inget annat påverkas:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_rapporter_bench .venv/bin/python bench/rapporter_bench.py
"""

import os
import resource
import sys
import time
from pathlib import Path

ROT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")
os.environ.setdefault("KVALITET_MILJO", "test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

AR = 2025

AVVIKELSER = """
WITH enheter AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM kvalitet_orgnod WHERE typ = 'enhet' AND sokvag LIKE %(vag)s
), kategorier AS (SELECT array_agg(id ORDER BY id) AS ids FROM avvikelser_kategori),
rapportor AS (SELECT id FROM auth_user WHERE username = 'personal')
INSERT INTO avvikelser_avvikelse (
    referensnummer, enhet_id, rapporterad_av_id, anonym, rapporterad, handelsetid, lag, kategori_id,
    beskrivning, atgard_direkt, konsekvens_for_brukaren, status, slutsats, version
)
SELECT 'RB-' || lpad(g::text, 8, '0'), e.ids[1 + (g * 7919) %% cardinality(e.ids)], r.id, false, t.tid, t.tid,
       'SoL', k.ids[1 + (g * 31) %% cardinality(k.ids)], 'Besöket blev inte av.', '', '', 'avslutad', '', 0
FROM generate_series(1, %(antal)s) AS g
CROSS JOIN enheter e CROSS JOIN kategorier k CROSS JOIN rapportor r
CROSS JOIN LATERAL (SELECT make_timestamptz(%(ar)s, 1, 1, 0, 0, 0) + ((g * 2654435761) %% (364 * 86400)) * interval '1 second' AS tid) t
"""

KLAGOMAL = """
WITH enheter AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM kvalitet_orgnod WHERE typ = 'enhet' AND sokvag LIKE %(vag)s
)
INSERT INTO avvikelser_klagomal (referensnummer, enhet_id, typ, avsandartyp, anonym, namn, kontakt, beskrivning,
    inkommet, via_e_tjanst, status, aterkoppling_datum, aterkoppling_hur)
SELECT 'RK-' || lpad(g::text, 8, '0'), e.ids[1 + g %% cardinality(e.ids)], 'klagomal', 'enskild', g %% 7 = 0, '', '',
       'Maten var kall.', make_timestamptz(%(ar)s, 1 + g %% 12, 1 + g %% 28, 10, 0, 0), false, 'avslutat',
       CASE WHEN g %% 3 = 0 THEN make_date(%(ar)s, 12, 1) END, ''
FROM generate_series(1, %(antal)s) AS g CROSS JOIN enheter e
"""


def main():
    import io
    import random

    from django.utils import timezone

    from avvikelser.models import Avvikelse
    from kvalitet import demo
    from kvalitet.models.kvalitetsarbete import Kontrollpunkt, Malindikator
    from rapporter import demo as rapporter_demo
    from rapporter import pdf as rapport_pdf
    from rapporter import queries
    from rapporter.models import Kvalitetsberattelse
    from tests.rapporter.factories import KontrollpunktFactory, MalindikatorFactory

    if connection.vendor != "postgresql":
        sys.exit("Benchmarken kräver PostgreSQL (DATABASE_URL).")
    call_command("migrate", verbosity=0)
    if not Kvalitetsberattelse.objects.exists():
        call_command("seed_demo", "--utan-appar", stdout=io.StringIO())
        kommun, namnder, omraden, enheter = demo.bygg_organisation()
        kontext = demo.DemoKontext(
            skala=1, slump=random.Random(1), kommun=kommun, namnder=namnder, omraden=omraden, enheter=enheter,
            anvandare=demo.bygg_anvandare(), idag=timezone.localdate().replace(year=AR + 1), skriv=lambda *_: None,
        )  # fmt: skip
        from avvikelser import demo as avvikelser_demo

        avvikelser_demo.seed(kontext)
        rapporter_demo.seed(kontext)
    from django.contrib.auth import get_user_model

    from kvalitet.models import Rolltilldelning

    user = get_user_model().objects.get(username="kvalitetssamordnare")
    namnd = Rolltilldelning.objects.filter(anvandare=user, roll="kvalitetssamordnare").first().nod
    b = Kvalitetsberattelse.objects.select_related("nod").get(ar=AR, nod=namnd)
    nod = b.nod
    if not Avvikelse.objects.filter(referensnummer__startswith="RB-").exists():
        with connection.cursor() as c:
            c.execute(AVVIKELSER, {"vag": nod.sokvag + "%", "antal": 30_000, "ar": AR})
            c.execute(KLAGOMAL, {"vag": nod.sokvag + "%", "antal": 3_000, "ar": AR})
            c.execute("ANALYZE")
        mal = Malindikator.objects.filter(mal__nod=nod).first().mal
        for i in range(60):
            MalindikatorFactory(mal=mal, namn=f"Indikator {i}")
        plan = Kontrollpunkt.objects.filter(plan__nod=nod).first().plan
        for i in range(40):
            KontrollpunktFactory(plan=plan, aktivitet=f"Kontrollpunkt {i}")
    antal = Avvikelse.objects.filter(enhet__sokvag__startswith=nod.sokvag, handelsetid__year=AR).count()
    resultat = []
    for _ in range(3):
        t0 = time.perf_counter()
        data = queries.samla(user, nod, AR)
        t1 = time.perf_counter()
        pdf = rapport_pdf.pdf(b, data, b.texter)
        t2 = time.perf_counter()
        resultat.append((t1 - t0, t2 - t1))
    assert data["avvikelser"]["antal"] == antal, (data["avvikelser"]["antal"], antal)
    topp = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    samla_s = min(r[0] for r in resultat)
    pdf_s = min(r[1] for r in resultat)
    print(f"Nämnd: {nod.namn}, år {AR}: {antal} avvikelser.")
    print(
        f"Samla siffrorna: {samla_s:.2f} s (bästa av 3; alla: {', '.join(f'{r[0]:.2f}' for r in resultat)})"
    )
    print(f"Rendera PDF:    {pdf_s:.2f} s (bästa av 3; alla: {', '.join(f'{r[1]:.2f}' for r in resultat)})")
    print(f"PDF: {len(pdf) // 1024} kB. Högsta minnesanvändning (RSS) i processen: {topp:.0f} MB.")


if __name__ == "__main__":
    main()
