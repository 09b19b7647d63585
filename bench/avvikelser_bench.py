"""Latens och antal SQL-frågor för avvikelsernas sidor mot en stor databas (bygg den först med
bench/avvikelser_data.py). Mäter i processen med Djangos testklient mot riktig PostgreSQL: hela
vyn med mallar, åtkomstregler och åtkomstlogg, men utan nätverk och webbserver.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_bench .venv/bin/python bench/avvikelser_bench.py \
        --varv 30 --skriv BENCHMARKS.md
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
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from avvikelser.models import Avvikelse, Kategori  # noqa: E402
from kvalitet.models import OrgNod  # noqa: E402

MAL = {"kö": 150.0, "statistik": 500.0}


def _klient(anvandarnamn: str) -> Client:
    klient = Client()
    klient.force_login(get_user_model().objects.get(username=anvandarnamn))
    return klient


def _mat(namn, anrop, varv: int, forvantad_status: int) -> dict:
    for _ in range(3):  # uppvärmning: anslutning, mallcache
        anrop()
    tider, fragor = [], []
    for _ in range(varv):
        with CaptureQueriesContext(connection) as fangst:
            start = time.perf_counter()
            svar = anrop()
            tider.append((time.perf_counter() - start) * 1000)
        assert svar.status_code == forvantad_status, (namn, svar.status_code)
        fragor.append(len(fangst.captured_queries))
    tider.sort()
    return {
        "namn": namn,
        "median": statistics.median(tider),
        "p95": tider[max(0, round(0.95 * len(tider)) - 1)],
        "fragor": max(fragor),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--varv", type=int, default=30)
    p.add_argument("--skriv", help="Lägg resultatet sist i den här filen (Markdown).")
    args = p.parse_args()
    antal = Avvikelse.objects.count()
    chef, samordnare, vchef, personal = (
        _klient("enhetschef"),
        _klient("kvalitetssamordnare"),
        _klient("verksamhetschef"),
        _klient("personal"),
    )
    enhet = OrgNod.objects.get(kod="N-AO-1")
    namnd = OrgNod.objects.get(kod="N")
    kategori = Kategori.objects.filter(aktiv=True).first()
    ko = reverse("avvikelser:index")
    stat = reverse("avvikelser:statistik")
    idag = timezone.localdate()

    def rapportera():
        return personal.post(
            reverse("avvikelser:rapportera"),
            {
                "enhet": enhet.pk,
                "handelsetid": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
                "lag": "SoL",
                "kategori": kategori.pk,
                "beskrivning": "Benchmark: besöket blev inte av.",
            },
        )

    fall = [
        ("Kö, enhetschef (en enhet), sida 1", lambda: chef.get(ko), 200, "kö"),
        ("Kö, enhetschef, sida 40", lambda: chef.get(ko, {"sida": 40}), 200, "kö"),
        (
            "Kö, enhetschef, filter status+period",
            lambda: chef.get(ko, {"status": "rapporterad", "fran": f"{idag.year}-01-01"}),
            200,
            "kö",
        ),
        ("Kö, kvalitetssamordnare (hela nämnden)", lambda: samordnare.get(ko), 200, "kö"),
        ("Rapportera (POST)", rapportera, 302, None),
        ("Statistik, verksamhetschef (område, 1 år)", lambda: vchef.get(stat), 200, "statistik"),
        (
            "Statistik, kvalitetssamordnare (nämnd, 1 år)",
            lambda: samordnare.get(stat, {"nod": namnd.pk}),
            200,
            "statistik",
        ),
    ]
    resultat = []
    for namn, anrop, status, mal in fall:
        r = _mat(namn, anrop, args.varv, status)
        r["mal"] = MAL.get(mal)
        resultat.append(r)
        print(
            f"{namn:<50} median {r['median']:7.1f} ms  p95 {r['p95']:7.1f} ms  frågor {r['fragor']}",
            flush=True,
        )

    rader = [
        f"### Avvikelser, {antal:,} avvikelser ({timezone.localdate()})".replace(",", " "),
        "",
        "Kommando: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_bench .venv/bin/python "
        "bench/avvikelser_data.py --scale 10 --avvikelser 1000000` och sedan "
        f"`… bench/avvikelser_bench.py --varv {args.varv} --skriv BENCHMARKS.md`. "
        "Maskin: 2 kärnor, PostgreSQL 15 lokalt, testklient i processen (ingen webbserver).",
        "",
        "| sida | median (ms) | p95 (ms) | mål p95 (ms) | SQL-frågor |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in resultat:
        mal = f"{r['mal']:.0f}" if r["mal"] else "–"
        rader.append(f"| {r['namn']} | {r['median']:.1f} | {r['p95']:.1f} | {mal} | {r['fragor']} |")
    text = "\n".join(rader) + "\n"
    print(text)
    if args.skriv:
        with open(args.skriv, "a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
