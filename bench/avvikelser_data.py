"""Bygger benchmarkens datamängd: demokommunen (`seed_demo --scale`) och därefter avvikelser tills
målet nås (standard 1 000 000), spridda över fyra år, alla enheter, kategorier och statusar.

Demokommunens egen generator skapar avvikelser i Python med historik (rimligt för tusentals, inte för en
miljon); resten läggs till med en INSERT … SELECT över generate_series i PostgreSQL, med samma fördelning
som demodatan. Historikraderna för de uppförstorade posterna skapas inte: benchmarken mäter läsning och
nya rapporter, och historiken läses bara per post.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_bench .venv/bin/python bench/avvikelser_data.py \
        --scale 20 --avvikelser 1000000
"""

import argparse
import os
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

from avvikelser.models import Avvikelse  # noqa: E402

FORSTORA = """
WITH enheter AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM kvalitet_orgnod WHERE typ = 'enhet'
), kategorier AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM avvikelser_kategori
), brukare AS (
    SELECT array_agg(id ORDER BY id) AS ids FROM kvalitet_brukare
), rapportor AS (
    SELECT id FROM auth_user WHERE username = 'personal'
)
INSERT INTO avvikelser_avvikelse (
    referensnummer, enhet_id, brukare_id, rapporterad_av_id, anonym, rapporterad, handelsetid, lag,
    kategori_id, beskrivning, atgard_direkt, konsekvens_for_brukaren, status, konsekvens, sannolikhet,
    slutsats, aterkoppling, paborjad, avslutad, version
)
SELECT
    'B-' || lpad(g::text, 9, '0'),
    e.ids[1 + (g * 7919) %% cardinality(e.ids)],
    CASE WHEN g %% 5 = 0 THEN NULL ELSE b.ids[1 + (g * 104729) %% cardinality(b.ids)] END,
    r.id,
    g %% 10 = 0,
    t.tid,
    t.tid,
    CASE WHEN g %% 4 = 0 THEN 'LSS' ELSE 'SoL' END,
    k.ids[1 + (g * 31) %% cardinality(k.ids)],
    'Planerat besök blev inte av; ingen meddelade den enskilde.',
    '', '',
    CASE WHEN t.tid < now() - interval '60 days' THEN 'avslutad'
         WHEN g %% 3 = 0 THEN 'rapporterad' WHEN g %% 3 = 1 THEN 'under_utredning' ELSE 'atgardad' END,
    1 + g %% 4, 1 + (g / 4) %% 4, '', '',
    CASE WHEN t.tid < now() - interval '60 days' THEN t.tid + interval '2 days' END,
    CASE WHEN t.tid < now() - interval '60 days' THEN t.tid + ((5 + g %% 36) || ' days')::interval END,
    1
FROM generate_series(%s::bigint, %s::bigint) AS g
CROSS JOIN enheter e CROSS JOIN kategorier k CROSS JOIN brukare b CROSS JOIN rapportor r
CROSS JOIN LATERAL (SELECT now() - ((g * 2654435761) %% (4 * 365 * 24 * 3600)) * interval '1 second' AS tid) t
"""


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--scale", type=int, default=20)
    p.add_argument("--avvikelser", type=int, default=1_000_000)
    p.add_argument("--utan-seed", action="store_true", help="Demokommunen finns redan; lägg bara till.")
    args = p.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Benchmarken kräver PostgreSQL (DATABASE_URL).")
    start = time.monotonic()
    call_command("migrate", verbosity=0)
    if not args.utan_seed:
        call_command("seed_demo", scale=args.scale, verbosity=0)
    finns = Avvikelse.objects.count()
    if finns < args.avvikelser:
        with connection.cursor() as c:
            fran = (Avvikelse.objects.filter(referensnummer__startswith="B-").count()) + 1
            steg = 200_000
            for borjan in range(fran, fran + args.avvikelser - finns, steg):
                slut = min(borjan + steg - 1, fran + args.avvikelser - finns - 1)
                c.execute(FORSTORA, [borjan, slut])
                print(f"  {slut - fran + 1} tillagda", flush=True)
            # Som autovacuum i drift: synlighetskartan gör att statistikens index-only scan inte läser tabellen.
            c.execute("VACUUM ANALYZE")
    print(f"{Avvikelse.objects.count()} avvikelser, {time.monotonic() - start:.0f} s.")


if __name__ == "__main__":
    main()
