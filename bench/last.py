"""Lasttest: blandad trafik (bench/locustfile.py) mot gunicorn på PostgreSQL med Celery-worker och beat.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python bench/last.py --anvandare 50 --tid 10m --skriv BENCHMARKS.md

Bygger databasen kv_last på den lokala PostgreSQL-servern (seed_demo --scale), startar egen Redis, gunicorn,
worker och beat, kör locust utan webbgränssnitt och skriver median och p95 per sida. Avslutar med felkod om
någon begäran misslyckades eller om en rapport som fått kvitto saknas i databasen.
"""

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import tjanster  # noqa: E402

DATABAS = "kv_last"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--anvandare", type=int, default=50)
    p.add_argument("--tid", default="10m")
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--gunicorn-workers", type=int, default=4)
    p.add_argument("--skriv")
    args = p.parse_args()

    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DATABAS}")
        c.execute(f"CREATE DATABASE {DATABAS}")
    redis = tjanster.PrivatRedis().starta()
    databas = f"postgres://postgres@127.0.0.1:5432/{DATABAS}"
    env = tjanster.miljo(databas, redis.url, BEVAKNING_SVEP_SEKUNDER="10")
    print("Bygger demokommunen …", flush=True)
    tjanster.manage(env, "migrate", "--noinput")
    tjanster.manage(env, "seed_demo", "--scale", str(args.scale))
    port = tjanster.ledig_port()
    bas = f"http://127.0.0.1:{port}"
    katalog = Path(tempfile.mkdtemp(prefix="kvalitet-last-"))
    processer = [
        tjanster.gunicorn(env, port, workers=args.gunicorn_workers).starta(),
        tjanster.worker(env).starta(),
        tjanster.Process(
            "beat",
            [
                tjanster.PY,
                "-m",
                "celery",
                "-A",
                "kvalitet",
                "beat",
                "-l",
                "warning",
                "-s",
                str(katalog / "beat"),
            ],
            env=env,
        ).starta(),
    ]
    try:
        tjanster.vanta_pa(lambda: tjanster.svarar(bas + "/login/"), vad="gunicorn")
        start = time.monotonic()
        locust = subprocess.run(
            [
                str(Path(sys.executable).with_name("locust")),
                "-f",
                "bench/locustfile.py",
                "--headless",
                "-u",
                str(args.anvandare),
                "-r",
                "5",
                "-t",
                args.tid,
                "--host",
                bas,
                "--csv",
                str(katalog / "last"),
                "--only-summary",
                "--stop-timeout",
                "10",
            ],
            cwd=tjanster.ROT,
            check=False,
        )
        varaktighet = time.monotonic() - start
        with open(katalog / "last_stats.csv", encoding="utf-8") as f:
            rader = list(csv.DictReader(f))
        os.environ.update(
            {"DATABASE_URL": databas, "KVALITET_MILJO": "test", "DJANGO_SETTINGS_MODULE": "kvalitet.settings"}
        )
        import django

        django.setup()
        from avvikelser.models import Avvikelse

        sparade = Avvikelse.objects.filter(beskrivning__startswith="Lasttest").count()
    finally:
        for proc in processer:
            proc.stoppa()
        redis.stoppa()

    sidor = [r for r in rader if r["Name"] != "Aggregated"]
    totalt = next(r for r in rader if r["Name"] == "Aggregated")
    post = next((r for r in sidor if r["Name"] == "rapportera (POST)"), None)
    kvitton = int(post["Request Count"]) - int(post["Failure Count"]) if post else 0
    misslyckade = int(totalt["Failure Count"])
    text = [
        f"### Lasttest: {args.anvandare} samtidiga användare i {args.tid} (seed_demo --scale {args.scale})",
        "",
        f"Kommando: `.venv/bin/python bench/last.py --anvandare {args.anvandare} --tid {args.tid} --scale {args.scale}"
        f" --skriv BENCHMARKS.md`. gunicorn med {args.gunicorn_workers} synkrona workers, PostgreSQL 15, Redis,"
        " Celery-worker och beat på samma maskin (2 kärnor) som locust.",
        "",
        f"Totalt {totalt['Request Count']} begäranden på {varaktighet:.0f} s ({float(totalt['Requests/s']):.1f}/s), "
        f"**{misslyckade} misslyckade**. Rapporter med kvitto: {kvitton}; sparade i databasen: {sparade}.",
        "",
        "| sida | antal | median (ms) | p95 (ms) | max (ms) | misslyckade |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in sorted(sidor, key=lambda r: r["Name"]):
        text.append(
            f"| {r['Name']} | {r['Request Count']} | {r['50%']} | {r['95%']} | {float(r['Max Response Time']):.0f} |"
            f" {r['Failure Count']} |"
        )
    print("\n".join(text))
    if args.skriv:
        with open(args.skriv, "a", encoding="utf-8") as f:
            f.write("\n" + "\n".join(text) + "\n")
    # Fler sparade än kvitton händer när locust avbryter en pågående begäran vid sluttiden; färre vore en
    # förlorad rapport.
    sys.exit(1 if misslyckade or kvitton > sparade or locust.returncode else 0)


if __name__ == "__main__":
    main()
