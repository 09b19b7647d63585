"""Latens för sidan Samlad analys mot en stor databas (bygg den först med bench/avvikelser_data.py), och
samma siffror som rå SQL direkt mot tabellerna i samma körning: målet är sidan inom 2× SQL:en.

Sidan mäts i processen med Djangos testklient mot riktig PostgreSQL (vy, mallar, åtkomstregler, pandas för
styrdiagrammen, SVG-diagrammen), utan nätverk och webbserver. SQL:en räknar samma tal som sidan visar
(avvikelser per kategori, volymen, klagomål per tema, lex Sarah, ej verkställda, täckningen, antal per
enhet och månad för styrdiagrammen i 24 månader) ur grundtabellerna, utan åtkomstregler och utan mallar.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_bench_samlad .venv/bin/python bench/avvikelser_data.py \
        --scale 10 --avvikelser 1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_bench_samlad .venv/bin/python bench/samlad_bench.py \
        --varv 30 --skriv BENCHMARKS.md
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kvalitet.settings")
os.environ.setdefault("KVALITET_MILJO", "test")
# Som i drift: utan DEBUG (som annars loggar varje fråga i minnet och ritar mallarna med felsökningsinfo).
os.environ.setdefault("DEBUG", "false")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from avvikelser.models import Avvikelse  # noqa: E402
from kvalitet.models import OrgNod  # noqa: E402

# %(vag)s: nodens sökväg + '%'; %(fran)s / %(efter)s: periodens gränser (tidpunkter); %(fran_d)s / %(till_d)s: datum.
SQL = {
    "avvikelser per kategori": """
        SELECT a.kategori_id, count(*) FROM avvikelser_avvikelse a JOIN kvalitet_orgnod e ON e.id = a.enhet_id
        WHERE e.sokvag LIKE %(vag)s AND a.handelsetid >= %(fran)s AND a.handelsetid < %(efter)s
        GROUP BY a.kategori_id""",
    "volym (insatsmånader)": """
        SELECT sum((SELECT count(*) FROM generate_series(%(fran_d)s::date, %(till_d)s::date, interval '1 month') m
                    WHERE i.startdatum <= (m + interval '1 month' - interval '1 day')::date
                      AND (i.slutdatum IS NULL OR i.slutdatum >= m::date)))
        FROM kvalitet_insats i JOIN kvalitet_orgnod e ON e.id = i.enhet_id
        WHERE e.sokvag LIKE %(vag)s AND i.startdatum <= %(till_d)s
          AND (i.slutdatum IS NULL OR i.slutdatum >= %(fran_d)s)""",
    "klagomål per tema": """
        SELECT k.tema_id, count(*) FROM avvikelser_klagomal k JOIN kvalitet_orgnod e ON e.id = k.enhet_id
        WHERE e.sokvag LIKE %(vag)s AND k.inkommet >= %(fran)s AND k.inkommet < %(efter)s GROUP BY k.tema_id""",
    "lex Sarah": """
        SELECT count(*), count(*) FILTER (WHERE r.beslutad IS NOT NULL), count(*) FILTER (WHERE r.ivo_skickad IS NOT NULL)
        FROM lexsarah_rapport r JOIN kvalitet_orgnod e ON e.id = r.enhet_id
        WHERE e.sokvag LIKE %(vag)s AND r.rapporterad >= %(fran)s AND r.rapporterad < %(efter)s""",
    "ej verkställda": """
        SELECT b.lag, t.namn, count(*) FROM uppfoljning_ejverkstalltbeslut b
        JOIN kvalitet_orgnod n ON n.id = b.namnd_id JOIN kvalitet_insats i ON i.id = b.insats_id
        JOIN kvalitet_insatstyp t ON t.id = i.typ_id
        WHERE n.sokvag LIKE %(vag)s AND b.fran < (%(till_d)s::date - interval '3 months')
          AND (b.verkstallt IS NULL OR b.verkstallt >= %(fran_d)s) AND (b.avslutat IS NULL OR b.avslutat >= %(fran_d)s)
        GROUP BY b.lag, t.namn""",
    "täckning": """
        SELECT count(*), count(*) FILTER (WHERE a.forsta_kontakt IS NOT NULL),
               count(*) FILTER (WHERE a.behov_bedomt IS NOT NULL),
               count(*) FILTER (WHERE a.uppfoljning_gjord IS NOT NULL AND a.utfall <> '')
        FROM uppfoljning_uppfoljningsarende a JOIN kvalitet_orgnod n ON n.id = a.nod_id
        WHERE n.sokvag LIKE %(vag)s AND a.skapad >= %(fran)s AND a.skapad < %(efter)s""",
    "förändringar": """
        SELECT count(*), count(*) FILTER (WHERE f.riskanalys_id IS NULL) FROM uppfoljning_forandring f
        WHERE f.giltig_fran BETWEEN %(fran_d)s AND %(till_d)s AND (
            f.nod_id IN (SELECT id FROM kvalitet_orgnod WHERE sokvag LIKE %(vag)s)
            OR f.id IN (SELECT fe.forandring_id FROM uppfoljning_forandring_enheter fe
                        JOIN kvalitet_orgnod e ON e.id = fe.orgnod_id WHERE e.sokvag LIKE %(vag)s))""",
    "styrdiagram: antal per enhet och månad (24 mån)": """
        SELECT a.enhet_id, date_trunc('month', a.handelsetid AT TIME ZONE 'Europe/Stockholm'), count(*)
        FROM avvikelser_avvikelse a JOIN kvalitet_orgnod e ON e.id = a.enhet_id
        WHERE e.sokvag LIKE %(vag)s AND a.handelsetid >= %(sd_fran)s AND a.handelsetid < %(efter)s
        GROUP BY 1, 2""",
    "styrdiagram: volym per enhet och månad (24 mån)": """
        SELECT i.enhet_id, m, count(*) FROM kvalitet_insats i JOIN kvalitet_orgnod e ON e.id = i.enhet_id
        CROSS JOIN generate_series(%(sd_fran_d)s::date, %(till_d)s::date, interval '1 month') m
        WHERE e.sokvag LIKE %(vag)s AND i.startdatum <= (m + interval '1 month' - interval '1 day')::date
          AND (i.slutdatum IS NULL OR i.slutdatum >= m::date)
        GROUP BY 1, 2""",
}


def _klient(anvandarnamn: str) -> Client:
    klient = Client()
    klient.force_login(get_user_model().objects.get(username=anvandarnamn))
    return klient


def _percentiler(tider: list[float]) -> tuple[float, float]:
    tider = sorted(tider)
    return statistics.median(tider), tider[max(0, round(0.95 * len(tider)) - 1)]


def _sql_golv(parametrar: dict):
    """Golvet för samlad analys: samma tal som rå SQL direkt mot grundtabellerna."""

    def en_gang():
        with connection.cursor() as c:
            for sql in SQL.values():
                c.execute(sql, parametrar)
                c.fetchall()

    return en_gang, len(SQL)


def _aterspelat_golv(anrop):
    """Golvet för startsidan: sidans egna SELECT-frågor (fångade en gång, med parametrarna insatta av
    PostgreSQL-drivrutinen) körda som rå SQL i följd, utan ORM, åtkomstkod, diagram och mall."""
    with CaptureQueriesContext(connection) as fangst:
        anrop()
    fragor = [
        q["sql"] for q in fangst.captured_queries if q["sql"].lstrip().upper().startswith(("SELECT", "WITH"))
    ]

    def en_gang():
        with connection.cursor() as c:
            for sql in fragor:
                c.execute(sql)
                c.fetchall()

    return en_gang, len(fragor)


def _mat_par(anrop, golv, varv: int) -> dict:
    """Sidan och golvet varannan gång i samma varv (inte först det ena och sedan det andra), så att en
    förändring i maskinens belastning under mätningen drabbar båda lika; median och p95 för vart och ett."""
    golv_anrop, golv_fragor = golv
    for _ in range(3):  # uppvärmning: anslutning, mallcache, PostgreSQL:s buffertar
        anrop()
        golv_anrop()
    sida, sql, fragor = [], [], []
    for _ in range(varv):
        with CaptureQueriesContext(connection) as fangst:
            start = time.perf_counter()
            svar = anrop()
            sida.append((time.perf_counter() - start) * 1000)
        assert svar.status_code == 200, svar.status_code
        fragor.append(len(fangst.captured_queries))
        start = time.perf_counter()
        golv_anrop()
        sql.append((time.perf_counter() - start) * 1000)
    median, p95 = _percentiler(sida)
    sql_median, sql_p95 = _percentiler(sql)
    return {
        "median": median,
        "p95": p95,
        "fragor": max(fragor),
        "sql": {"median": sql_median, "p95": sql_p95, "fragor": golv_fragor},
        # Kvoten per varv (sida / golv i samma varv), medianen av dem: mindre känslig för störningar.
        "kvot": statistics.median(s / g for s, g in zip(sida, sql, strict=True)),
    }


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--varv", type=int, default=30)
    p.add_argument("--ar", type=int, help="Året (standard: förra året, ett helt år)")
    p.add_argument("--skriv", help="Lägg resultatet sist i den här filen (Markdown).")
    args = p.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Benchmarken kräver PostgreSQL (DATABASE_URL).")
    call_command("migrate", verbosity=0)
    ar = args.ar or timezone.localdate().year - 1
    antal = Avvikelse.objects.count()
    namnd = OrgNod.objects.get(kod="N")
    fran, till = datetime.date(ar, 1, 1), datetime.date(ar, 12, 31)
    sd_fran = datetime.date(ar - 1, 1, 1)

    def tid(d):
        return timezone.make_aware(datetime.datetime.combine(d, datetime.time.min))

    def parametrar(nod):
        return {
            "vag": nod.sokvag + "%",
            "fran": tid(fran),
            "efter": tid(till + datetime.timedelta(days=1)),
            "fran_d": fran,
            "till_d": till,
            "sd_fran": tid(sd_fran),
            "sd_fran_d": sd_fran,
        }

    url = reverse("rapporter:samlad_analys")
    enhet = OrgNod.objects.get(kod="N-AO-1")
    fall = [
        (f"kvalitetssamordnare (nämnd, {ar})", "kvalitetssamordnare", namnd),
        (f"ledning (nämnd, {ar})", "ledning", namnd),
        (f"enhetschef (en enhet, {ar})", "enhetschef", enhet),
    ]
    belastning = os.getloadavg()
    resultat = []
    for namn, anvandare, nod in fall:
        klient = _klient(anvandare)
        urval = {"nod": nod.pk, "ar": ar}
        r = _mat_par(
            lambda klient=klient, urval=urval: klient.get(url, urval), _sql_golv(parametrar(nod)), args.varv
        )
        r.update(namn=namn)
        sql = r["sql"]
        resultat.append(r)
        print(
            f"{namn:<40} sida median {r['median']:7.1f} ms p95 {r['p95']:7.1f} ms ({r['fragor']} frågor); "
            f"rå SQL median {sql['median']:6.1f} ms p95 {sql['p95']:6.1f} ms; {r['kvot']:.2f}× SQL",
            flush=True,
        )
    # Startsidan (rollens översikt) för samordnaren och chefen; golvet är sidans egna frågor som rå SQL.
    start_url = reverse("kvalitet:start")
    for namn, anvandare in (
        ("startsida: kvalitetssamordnare", "kvalitetssamordnare"),
        ("startsida: enhetschef", "enhetschef"),
    ):
        klient = _klient(anvandare)
        r = _mat_par(
            lambda klient=klient: klient.get(start_url),
            _aterspelat_golv(lambda klient=klient: klient.get(start_url)),
            args.varv,
        )
        r.update(namn=namn)
        sql = r["sql"]
        resultat.append(r)
        print(
            f"{namn:<40} sida median {r['median']:7.1f} ms p95 {r['p95']:7.1f} ms ({r['fragor']} frågor); "
            f"sidans SQL median {sql['median']:6.1f} ms p95 {sql['p95']:6.1f} ms; {r['kvot']:.2f}× SQL",
            flush=True,
        )
    efter = os.getloadavg()
    rader = [
        "### Samlad analys, "
        + f"{antal:,}".replace(",", " ")
        + f" avvikelser ({timezone.localtime():%Y-%m-%d %H:%M})",
        "",
        "Kommando: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/kv_bench_samlad .venv/bin/python "
        "bench/avvikelser_data.py --scale 10 --avvikelser 1000000` och sedan "
        f"`… bench/samlad_bench.py --varv {args.varv} --skriv BENCHMARKS.md`. "
        "Maskin: 2 kärnor, PostgreSQL lokalt, testklient i processen (ingen webbserver). "
        f"Load average före/efter: {belastning[0]:.1f} / {efter[0]:.1f}. Sidan och golvet mättes varannan "
        "gång i samma varv.",
        "",
        "| Sida, användare (nod, år) | sida median (ms) | sida p95 (ms) | SQL-frågor | "
        "rå SQL median (ms) | rå SQL p95 (ms) | median / median | kvot per varv (median) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in resultat:
        kvot = f"{r['kvot']:.2f}".replace(".", ",")
        mm = f"{r['median'] / r['sql']['median']:.2f}".replace(".", ",")
        rader.append(
            f"| {r['namn']} | {r['median']:.1f} | {r['p95']:.1f} | {r['fragor']} | "
            f"{r['sql']['median']:.1f} | {r['sql']['p95']:.1f} | {mm} | {kvot} |"
        )
    text = "\n".join(rader) + "\n"
    print(text)
    if args.skriv:
        with open(args.skriv, "a", encoding="utf-8") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
