"""Sökningen (/sok/) mot en stor avvikelsetabell: latens och antal SQL-frågor per roll och fråga, och
frågeplanen för fulltextsökningen med och utan GIN-indexet (avvikelser/0013_sokindex).

Bygger sin egen datamängd: demokommunen (`seed_demo`, om den saknas) och därefter avvikelser med varierande
text (tolv meningar om vart annat, ett sällsynt ord i var tusende) tills målet nås, med en INSERT … SELECT
över generate_series.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_sok .venv/bin/python bench/sok_bench.py \
        --avvikelser 300000 --varv 15
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")
os.environ.setdefault("KVALITET_MILJO", "test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from avvikelser import queries  # noqa: E402
from avvikelser.models import Avvikelse  # noqa: E402
from kvalitet import access  # noqa: E402
from kvalitet.sok import rangordnade, tolka  # noqa: E402

TEXTER = [
    "Planerat besök blev inte av; ingen meddelade den enskilde.",
    "Medicinen gavs två timmar för sent på kvällen.",
    "Den enskilde föll i badrummet och fick ett blåmärke.",
    "Larmet fungerade inte under natten.",
    "Maten levererades kall och utan specialkost.",
    "Signeringslistan saknades när läkemedlen delades ut.",
    "Dörren var olåst när personalen kom på morgonen.",
    "Tillsynen nattetid blev inte av enligt genomförandeplanen.",
    "Hjälpmedlet var trasigt och hade inte anmälts.",
    "Brukaren fick fel dos av sina tabletter.",
    "Personalen saknade introduktion i rutinen för lyft.",
    "Anhöriga fick inte information om förändringen.",
]

FYLL = """
WITH enheter AS (SELECT array_agg(id ORDER BY id) AS ids FROM kvalitet_orgnod WHERE typ = 'enhet'),
kategorier AS (SELECT array_agg(id ORDER BY id) AS ids FROM avvikelser_kategori),
texter AS (SELECT %s::text[] AS t),
rapportor AS (SELECT id FROM auth_user WHERE username = 'personal')
INSERT INTO avvikelser_avvikelse (
    referensnummer, enhet_id, rapporterad_av_id, anonym, rapporterad, handelsetid, lag, kategori_id,
    beskrivning, atgard_direkt, konsekvens_for_brukaren, status, slutsats, aterkoppling, version
)
SELECT
    'S-' || lpad(g::text, 9, '0'),
    e.ids[1 + (g * 7919) %% cardinality(e.ids)],
    r.id, false, t.tid, t.tid, 'SoL', k.ids[1 + (g * 31) %% cardinality(k.ids)],
    x.t[1 + g %% cardinality(x.t)] || CASE WHEN g %% 1000 = 0 THEN ' Rullatorn gick sönder.' ELSE '' END,
    '', '', 'avslutad',
    x.t[1 + (g / 12) %% cardinality(x.t)],
    '', 1
FROM generate_series(%s::bigint, %s::bigint) AS g
CROSS JOIN enheter e CROSS JOIN kategorier k CROSS JOIN texter x CROSS JOIN rapportor r
CROSS JOIN LATERAL (SELECT now() - ((g * 2654435761) %% (4 * 365 * 24 * 3600)) * interval '1 second' AS tid) t
"""


def _bygg(mal: int) -> None:
    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="personal").exists():
        call_command("seed_demo", scale=2, verbosity=0)
    finns = Avvikelse.objects.count()
    if finns >= mal:
        return
    fran = Avvikelse.objects.filter(referensnummer__startswith="S-").count() + 1
    with connection.cursor() as c:
        for borjan in range(fran, fran + mal - finns, 100_000):
            slut = min(borjan + 99_999, fran + mal - finns - 1)
            c.execute(FYLL, [TEXTER, borjan, slut])
            print(f"  {slut - fran + 1} tillagda", flush=True)
        c.execute("VACUUM ANALYZE avvikelser_avvikelse")


def _mat(klient, fraga: str, varv: int) -> dict:
    for _ in range(3):
        klient.get("/sok/", {"q": fraga})
    tider, fragor = [], []
    for _ in range(varv):
        with CaptureQueriesContext(connection) as fangst:
            start = time.perf_counter()
            svar = klient.get("/sok/", {"q": fraga})
            tider.append((time.perf_counter() - start) * 1000)
        assert svar.status_code == 200, svar.status_code
        fragor.append(len(fangst.captured_queries))
    tider.sort()
    return {
        "median": statistics.median(tider),
        "p95": tider[max(0, round(0.95 * len(tider)) - 1)],
        "fragor": max(fragor),
    }


def _plan(anvandare, fraga: str, utan_index: bool) -> tuple[float, str]:
    """Exekveringstid (ms) och planens indexrad för avvikelsedelen av sökningen."""
    qs = rangordnade(
        access.scope(anvandare, Avvikelse), queries.AVVIKELSE_SOKFALT, tolka(fraga), 21, "rapporterad"
    )
    with transaction.atomic():
        if utan_index:
            with connection.cursor() as c:
                c.execute("DROP INDEX avvikelse_sok")
        plan = qs.explain(analyze=True)
        transaction.set_rollback(True)  # indexet finns kvar
    tid = float(plan.rsplit("Execution Time:", 1)[1].split("ms")[0])
    rad = next(
        (r.strip() for r in plan.splitlines() if "avvikelse_sok" in r or "Seq Scan on avvikelser" in r), ""
    )
    return tid, rad


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--avvikelser", type=int, default=300_000)
    p.add_argument("--varv", type=int, default=15)
    args = p.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Benchmarken kräver PostgreSQL (DATABASE_URL).")
    _bygg(args.avvikelser)
    print(f"{Avvikelse.objects.count()} avvikelser")
    anvandare = {n: get_user_model().objects.get(username=n) for n in ("kvalitetssamordnare", "enhetschef")}
    print("| roll | fråga | median (ms) | p95 (ms) | SQL-frågor |")
    print("|---|---|---:|---:|---:|")
    for namn, user in anvandare.items():
        klient = Client()
        klient.force_login(user)
        for fraga in ("medicin", "rullator", "badrummet föll", "AV-2026"):
            r = _mat(klient, fraga, args.varv)
            print(f"| {namn} | {fraga} | {r['median']:.1f} | {r['p95']:.1f} | {r['fragor']} |", flush=True)
    print()
    print("| roll | fråga | med GIN-index (ms) | plan | utan index (ms) | plan |")
    print("|---|---|---:|---|---:|---|")
    for namn, user in anvandare.items():
        for fraga in ("medicin", "rullator"):
            med = _plan(user, fraga, False)
            utan = _plan(user, fraga, True)
            print(f"| {namn} | {fraga} | {med[0]:.1f} | `{med[1][:70]}` | {utan[0]:.1f} | `{utan[1][:70]}` |")


if __name__ == "__main__":
    main()
