"""Lasttest mot produktionskonfigurationen: blandad trafik (bench/locustfile.py) mot gunicorn som levererad
(`gunicorn -c gunicorn.conf.py`, KVALITET_MILJO=production), Celery-workers för köerna celery och pdf och
beat, som docker-compose.yml kör dem; valfritt golvet (en bar Django-vy, bench/golv.py) och en jämförelse
av gunicorns processmodeller.

    .venv/bin/pip install -e ".[bench]"      # eller --locust SÖKVÄG till en locust i en egen venv
    .venv/bin/python bench/last.py --anvandare 50 --tid 10m --golv --lugn 0.5 \\
        --jamfor sync:4 gthread:2x4 gthread:4x4 --jamfor-tid 2m --annat "inget annat" --skriv BENCHMARKS.md
    # serverns tak (utan betänketid), produkten och golvet, på den redan byggda databasen:
    .venv/bin/python bench/last.py --ateranvand --betanketid 0 --tid 2m --golv --lugn 0.5 --skriv BENCHMARKS.md

Bygger databasen kv_last på den lokala PostgreSQL-servern (migrate, seed_demo --scale; --ateranvand
behåller en redan byggd), kör collectstatic (STATIC_ROOT i /tmp, återanvänds för samma static/), skapar lasttestets
kvalitetssamordnarkonton med TOTP-enheter och startar egen Redis. Locust talar som TLS-proxyn i README
(Host, X-Forwarded-Proto: https, X-Forwarded-For; BETRODDA_PROXYER=1). Skriver kommandot, tid, load
average, vad annat som körde (--annat), median och p95 per sida, golvets begäranden per sekund och
jämförelsetabellen. Avslutar med felkod om någon begäran misslyckades eller om en rapport som fått kvitto
saknas i databasen.
"""

import argparse
import csv
import dataclasses
import datetime
import http.client
import os
import runpy
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench import tjanster  # noqa: E402

DATABAS = "kv_last"
SAMORDNARE = "kvalitetssamordnare"


@dataclasses.dataclass
class Konfig:
    worker_class: str | None = None
    workers: int | None = None
    threads: int | None = None

    @classmethod
    def tolka(cls, text: str) -> "Konfig":
        """sync:4 (4 processer, en tråd var) eller gthread:2x4 (2 processer × 4 trådar)."""
        klass, _, antal = text.partition(":")
        processer, _, tradar = antal.partition("x")
        if klass not in ("sync", "gthread") or not processer.isdigit() or (tradar and not tradar.isdigit()):
            raise argparse.ArgumentTypeError(f"{text!r}: skriv sync:N eller gthread:NxM")
        # sync med fler trådar än en byter gunicorn själv till gthread.
        return cls(klass, int(processer), 1 if klass == "sync" else int(tradar or 1))


@dataclasses.dataclass
class Korning:
    namn: str
    gunicorn: dict
    tid: str
    varaktighet: float
    load_fore: tuple
    load_efter: tuple
    sidor: list[dict]
    totalt: dict
    kvitton: int
    sparade: int
    locust_kod: int

    @property
    def misslyckade(self) -> int:
        return int(self.totalt["Failure Count"])

    @property
    def per_sekund(self) -> float:
        return float(self.totalt["Requests/s"])

    @property
    def godkand(self) -> bool:
        return not self.misslyckade and self.kvitton <= self.sparade and self.locust_kod == 0

    def gunicorn_text(self) -> str:
        g = self.gunicorn
        if g["worker_class"] == "sync":
            return f"sync, {g['workers']} processer"
        return f"{g['worker_class']}, {g['workers']} processer × {g['threads']} trådar"


def betanketid(text: str) -> str:
    """ "1-4" (mellan 1 och 4 s, som förr) eller ett fast antal sekunder, "0" för ingen."""
    delar = text.split("-")
    try:
        varden = [float(d) for d in delar]
    except ValueError:
        varden = []
    if len(delar) > 2 or not varden or any(v < 0 for v in varden) or varden != sorted(varden):
        raise argparse.ArgumentTypeError(f"{text!r}: skriv t.ex. 1-4 eller 0")
    return text


def gunicorn_konfig(env: dict) -> dict:
    """Det gunicorn.conf.py ger i den här miljön (samma fil som gunicorn läser)."""
    fore = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        conf = runpy.run_path(str(tjanster.ROT / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(fore)
    klass = conf["worker_class"]
    if klass == "sync" and conf["threads"] > 1:
        klass = "gthread"
    return {"worker_class": klass, "workers": conf["workers"], "threads": conf["threads"]}


def svarar_bakom_proxy(port: int, sokvag: str) -> bool:
    anslutning = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        anslutning.request("GET", sokvag, headers={"Host": tjanster.VARD, "X-Forwarded-Proto": "https"})
        return anslutning.getresponse().status == 200
    finally:
        anslutning.close()


def bygg_databas(env: dict, scale: int) -> float:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DATABAS}")
        c.execute(f"CREATE DATABASE {DATABAS}")
    print("Migrerar och bygger demokommunen …", flush=True)
    start = time.monotonic()
    tjanster.manage(env, "migrate", "--noinput")
    print(f"migrate: {time.monotonic() - start:.0f} s", flush=True)
    start = time.monotonic()
    tjanster.manage(env, "seed_demo", "--scale", str(scale))
    return time.monotonic() - start


def databas_finns() -> bool:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        return c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABAS]).fetchone() is not None


def skapa_konton(antal: int) -> None:
    """Ett eget konto per samtidig kvalitetssamordnare (last.samordnare.NN) med demokontots roller och
    en bekräftad TOTP-enhet: en kod gäller bara en gång per konto, så användarna kan inte dela ett."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from kvalitet import services
    from kvalitet.models import Rolltilldelning

    User = get_user_model()
    forlaga = User.objects.get(username=SAMORDNARE)
    roller = list(Rolltilldelning.objects.filter(anvandare=forlaga).select_related("nod"))
    losenord = make_password("demo-kvalitet-2026")
    for nr in range(1, antal + 1):
        namn = f"last.samordnare.{nr:02d}"
        user, _ = User.objects.update_or_create(
            username=namn,
            defaults={"password": losenord, "first_name": "Last", "last_name": f"Samordnare {nr}"},
        )
        for r in roller:
            services.roll_tilldela(anvandare=user, roll=r.roll, nod=r.nod)
        TOTPDevice.objects.update_or_create(
            user=user,
            name="lasttest",
            defaults={"key": tjanster.totp_nyckel(namn), "confirmed": True, "last_t": -1},
        )


def lasttestrader() -> int:
    from avvikelser.models import Avvikelse

    return Avvikelse.objects.filter(beskrivning__startswith="Lasttest").count()


def git(*argv: str) -> str:
    return subprocess.run(["git", *argv], cwd=tjanster.ROT, capture_output=True, text=True).stdout.strip()


def hitta_locust(angiven: str | None) -> str:
    for kandidat in (angiven, os.environ.get("LOCUST"), str(Path(sys.executable).with_name("locust"))):
        if kandidat and Path(kandidat).exists():
            return kandidat
    funnen = shutil.which("locust")
    if not funnen:
        sys.exit('locust saknas: .venv/bin/pip install -e ".[bench]", eller --locust SÖKVÄG')
    return funnen


def kor(
    namn: str,
    env: dict,
    konfig: Konfig,
    *,
    locustfil: str,
    sokvag: str,
    args,
    tid: str,
    katalog: Path,
) -> Korning:
    from django.db import connection

    port = tjanster.ledig_port()
    webb = tjanster.gunicorn_som_levererad(
        env,
        port,
        worker_class=konfig.worker_class,
        workers=konfig.workers,
        threads=konfig.threads,
        logg=katalog / f"gunicorn-{namn}.log",
    )
    gunicorn = gunicorn_konfig(webb.env)
    print(f"[{namn}] gunicorn {gunicorn}, {args.anvandare} användare i {tid} …", flush=True)
    fore = lasttestrader()
    connection.close()
    webb.starta()
    try:
        tjanster.vanta_pa(lambda: svarar_bakom_proxy(port, sokvag), sekunder=120, vad="gunicorn")
        if args.lugn is not None:
            vanta_pa_lugn(args.lugn)
        load_fore = os.getloadavg()
        start = time.monotonic()
        with open(katalog / f"locust-{namn}.log", "wb") as ut:
            locust = subprocess.run(
                [
                    args.locust,
                    "-f",
                    locustfil,
                    "--headless",
                    "-u",
                    str(args.anvandare),
                    "-r",
                    str(args.spawn),
                    "-t",
                    tid,
                    "--csv",
                    str(katalog / namn),
                    "--only-summary",
                    "--stop-timeout",
                    "10",
                ],
                cwd=tjanster.ROT,
                env={**os.environ, "LAST_BAKSIDA": f"127.0.0.1:{port}", "LAST_BETANKETID": args.betanketid},
                stdout=ut,
                stderr=subprocess.STDOUT,
                check=False,
            )
        varaktighet = time.monotonic() - start
        load_efter = os.getloadavg()
    finally:
        webb.stoppa()
    with open(katalog / f"{namn}_stats.csv", encoding="utf-8") as f:
        rader = list(csv.DictReader(f))
    sparade = lasttestrader() - fore
    connection.close()
    sidor = [r for r in rader if r["Name"] != "Aggregated"]
    totalt = next(r for r in rader if r["Name"] == "Aggregated")
    post = next((r for r in sidor if r["Name"] == "rapportera (POST)"), None)
    kvitton = int(post["Request Count"]) - int(post["Failure Count"]) if post else 0
    k = Korning(
        namn,
        gunicorn,
        tid,
        varaktighet,
        load_fore,
        load_efter,
        sidor,
        totalt,
        kvitton,
        sparade,
        locust.returncode,
    )
    print(
        f"[{namn}] {totalt['Request Count']} begäranden, {k.per_sekund:.1f}/s, {k.misslyckade} misslyckade,"
        f" median {totalt['50%']} ms, p95 {totalt['95%']} ms, kvitton {kvitton}, sparade {sparade},"
        f" locust {locust.returncode}",
        flush=True,
    )
    if not k.godkand:
        print((katalog / f"locust-{namn}.log").read_text(errors="replace")[-3000:], flush=True)
    return k


def vanta_pa_lugn(grans: float, minuter: float = 5) -> None:
    """Väntar (högst så länge) tills 1-minuterslasten sjunkit under gränsen: efter seed, collectstatic
    och förra körningen ska nästa börja på en lugn maskin."""
    slut = time.monotonic() + 60 * minuter
    while os.getloadavg()[0] >= grans and time.monotonic() < slut:
        time.sleep(5)
    print(f"load average {_load(os.getloadavg())}", flush=True)


def _load(t: tuple) -> str:
    return " / ".join(f"{v:.2f}" for v in t)


def rapport(args, korningar: dict, jamforelse: list[Korning], meta: dict) -> list[str]:
    huvud = korningar.get("produkt")
    golv = korningar.get("golv")
    rubrik_tid = args.tid if huvud else args.jamfor_tid
    text = [
        f"### Lasttest, produktionskonfigurationen: {args.anvandare} samtidiga användare i {rubrik_tid}"
        f" (seed_demo --scale {args.scale})",
        "",
        f"Kommando: `{meta['kommando']}` (commit {meta['commit']}).",
        "",
        f"Körd {meta['start']:%Y-%m-%d %H:%M}–{meta['slut']:%H:%M} UTC på {meta['karnor']} kärnor,"
        f" PostgreSQL {meta['postgres']}. Load average (1/5/15 min) när första körningen började"
        f" {_load(meta['load_fore'])}, när sista slutade {_load(meta['load_efter'])}"
        + (
            f" (före varje körning väntade skriptet tills 1-minuterslasten var under {args.lugn})"
            if getattr(args, "lugn", None) is not None
            else ""
        )
        + f". **Annat som körde:** {args.annat}.",
        "",
        "Uppsättning: `gunicorn -c gunicorn.conf.py kvalitet.wsgi:application` som levererad (bara adressen"
        " via GUNICORN_BIND), `KVALITET_MILJO=production` med egen SECRET_KEY, ALLOWED_HOSTS, DEBUG av,"
        " WhiteNoises manifestlagring (collectstatic till en egen STATIC_ROOT), tvåfaktor, HTTPS-krav,"
        " säkra cookies och HSTS som i produktion; Celery-worker för kön `celery` (--concurrency 2), en för"
        " `pdf` (--concurrency 1 --max-tasks-per-child 10) och beat, med docker-compose.yml:s kommandon;"
        " egen Redis; locust på samma maskin. Locust talar som TLS-proxyn i README: https-adresser med"
        " `Host`, `X-Forwarded-Proto: https` och en egen klientadress per användare i `X-Forwarded-For`"
        " (`BETRODDA_PROXYER=1`), okrypterat till gunicorn på 127.0.0.1 och med en ny anslutning per"
        " begäran som nginx-exemplet; TLS-kostnaden i proxyn ingår inte. Kvalitetssamordnarna loggar in"
        " med lösenord och TOTP-kod (RFC 6238, räknad av locust), var"
        " och en med ett eget konto (`last.samordnare.NN`, demokontots roller), eftersom en kod bara gäller"
        " en gång per konto; övriga roller delar demokontona och har inget tvåfaktorkrav."
        f" Betänketid {args.betanketid} s mellan uppgifterna, {args.spawn} nya användare per sekund."
        + (f" Databasen byggdes på {meta['seed']:.0f} s (seed_demo)." if meta.get("seed") else ""),
        "",
    ]
    if huvud:
        text += [
            f"Gunicorn: {huvud.gunicorn_text()}. Totalt {huvud.totalt['Request Count']} begäranden på"
            f" {huvud.varaktighet:.0f} s ({huvud.per_sekund:.1f}/s), **{huvud.misslyckade} misslyckade**,"
            f" median {huvud.totalt['50%']} ms, p95 {huvud.totalt['95%']} ms. Rapporter med kvitto:"
            f" {huvud.kvitton}; sparade i databasen: {huvud.sparade}.",
            "",
            "| sida | antal | median (ms) | p95 (ms) | max (ms) | misslyckade |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in sorted(huvud.sidor, key=lambda r: r["Name"]):
            text.append(
                f"| {r['Name']} | {r['Request Count']} | {r['50%']} | {r['95%']} |"
                f" {float(r['Max Response Time']):.0f} | {r['Failure Count']} |"
            )
        text.append("")
    if golv:
        rad = (
            f"Golvet (`bench/golv.py`: en bar Django-vy med kön för en enhets 25 rader i en fråga, samma"
            f" gunicorn, databas och proxyhuvuden, inga sessioner eller mellanlager utöver"
            f" SecurityMiddleware och CommonMiddleware), {golv.gunicorn_text()}, samma {args.anvandare}"
            f" användare i {golv.tid}: {golv.totalt['Request Count']} begäranden, **{golv.per_sekund:.1f}/s**,"
            f" {golv.misslyckade} misslyckade, median {golv.totalt['50%']} ms, p95 {golv.totalt['95%']} ms,"
            f" max {float(golv.totalt['Max Response Time']):.0f} ms."
        )
        if huvud and golv.per_sekund:
            kvot = 100 * huvud.per_sekund / golv.per_sekund
            rad += (
                f" Produkten: {huvud.per_sekund:.1f}/s (median {huvud.totalt['50%']} ms, p95"
                f" {huvud.totalt['95%']} ms), {kvot:.0f} % av golvets begäranden per sekund."
            )
            if args.betanketid != "0":
                # Med betänketid är begärandena per sekund användarnas takt, inte serverns tak.
                rad += (
                    f" Med betänketid ({args.betanketid} s) följer begärandena per sekund användarnas takt så"
                    " länge servern hinner med, och produktens uppgifter gör fler begäranden var än golvets:"
                    " kvoten är då inget mått på kapaciteten. Serverns tak, och en kvot som betyder något,"
                    " mäts med `--betanketid 0`."
                )
        text += [rad, ""]
    if jamforelse:
        text += [
            f"Gunicorns processmodell, {args.anvandare} användare i {args.jamfor_tid} var, i tur och ordning"
            " mot samma databas och workers:",
            "",
            "| gunicorn | begäranden | per s | median (ms) | p95 (ms) | max (ms) | misslyckade |"
            " kvitton / sparade | load före → efter |",
            "|---|---:|---:|---:|---:|---:|---:|---|---|",
        ]
        for k in jamforelse:
            text.append(
                f"| {k.gunicorn_text()} | {k.totalt['Request Count']} | {k.per_sekund:.1f} |"
                f" {k.totalt['50%']} | {k.totalt['95%']} | {float(k.totalt['Max Response Time']):.0f} |"
                f" {k.misslyckade} | {k.kvitton} / {k.sparade} | {k.load_fore[0]:.2f} → {k.load_efter[0]:.2f} |"
            )
        text.append("")
    return text


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--anvandare", type=int, default=50)
    p.add_argument("--tid", default="10m", help="huvudkörningens (och golvets) längd, locusts format")
    p.add_argument("--scale", type=int, default=10)
    p.add_argument("--spawn", type=int, default=5, help="nya användare per sekund")
    p.add_argument(
        "--betanketid", type=betanketid, default="1-4", help='sekunder mellan uppgifterna: "1-4" eller "0"'
    )
    p.add_argument("--worker-class", choices=["sync", "gthread"], help="annars gunicorn.conf.py:s")
    p.add_argument("--workers", type=int, help="annars gunicorn.conf.py:s")
    p.add_argument("--threads", type=int, help="annars gunicorn.conf.py:s")
    p.add_argument("--golv", action="store_true", help="kör också golvet (bench/golv.py), samma tid")
    p.add_argument("--jamfor", nargs="*", type=Konfig.tolka, default=[], help="t.ex. sync:4 gthread:2x4")
    p.add_argument("--jamfor-tid", default="2m")
    p.add_argument("--bara-jamfor", action="store_true", help="hoppa över huvudkörningen")
    p.add_argument("--ateranvand", action="store_true", help=f"behåll en redan byggd {DATABAS}")
    p.add_argument(
        "--lugn", type=float, help="vänta (högst 5 min) före varje körning tills 1-minuterslasten är under"
    )
    p.add_argument("--annat", default="inget annat angivet", help="vad annat som körde på maskinen")
    p.add_argument("--locust", help="sökväg till locust (standard: bredvid python, LOCUST, PATH)")
    p.add_argument("--skriv", help="lägg till avsnittet sist i den här filen (BENCHMARKS.md)")
    args = p.parse_args()
    if args.bara_jamfor and not args.jamfor:
        p.error("--bara-jamfor kräver --jamfor")
    args.locust = hitta_locust(args.locust)
    meta = {
        "kommando": shlex.join([".venv/bin/python", "bench/last.py", *sys.argv[1:]]),
        "commit": git("rev-parse", "--short", "HEAD"),
        "karnor": os.cpu_count(),
    }

    katalog = Path(tempfile.mkdtemp(prefix="kvalitet-last-"))
    print(f"Loggar och CSV: {katalog}", flush=True)
    redis = tjanster.PrivatRedis().starta()
    databas = f"postgres://postgres@127.0.0.1:5432/{DATABAS}"
    # Nyckeln är static/-katalogens träd i git: samma filer, samma resultat, oavsett commit.
    static = (
        Path(tempfile.gettempdir()) / f"kvalitet-last-static-{git('rev-parse', '--short', 'HEAD:static')}"
    )
    env = tjanster.produktion_miljo(databas, redis.url, katalog, STATIC_ROOT=str(static))
    processer = []
    try:
        if args.ateranvand and databas_finns():
            print(f"Återanvänder {DATABAS}; migrerar bara.", flush=True)
            tjanster.manage(env, "migrate", "--noinput")
        else:
            meta["seed"] = bygg_databas(env, args.scale)
            print(f"seed_demo --scale {args.scale}: {meta['seed']:.0f} s", flush=True)
        # collectstatic med komprimeringen tar minuter: samma static/ (och orörd) återanvänder den.
        if (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists() and not git(
            "status", "--porcelain", "static"
        ):
            print(f"Återanvänder {env['STATIC_ROOT']}", flush=True)
        else:
            start = time.monotonic()
            tjanster.manage(env, "collectstatic", "--noinput", "--clear")
            print(f"collectstatic: {time.monotonic() - start:.0f} s", flush=True)

        # Skriptets egna läsningar och konton: samma databas, testinställningar i den här processen.
        os.environ.update(
            {
                "DATABASE_URL": databas,
                "REDIS_URL": redis.url,
                "KVALITET_MILJO": "test",
                "DJANGO_SETTINGS_MODULE": "kvalitet.settings",
            }
        )
        import django

        django.setup()
        from django.db import connection

        skapa_konton(args.anvandare)
        meta["postgres"] = connection.cursor().connection.info.server_version
        meta["postgres"] = f"{meta['postgres'] // 10000}.{meta['postgres'] % 10000}"
        connection.close()

        processer = [
            tjanster.celery_worker(env, "celery", logg=katalog / "worker-celery.log").starta(),
            tjanster.celery_worker(env, "pdf", logg=katalog / "worker-pdf.log").starta(),
            tjanster.beat(env, logg=katalog / "beat.log").starta(),
        ]
        meta["start"] = datetime.datetime.now(datetime.UTC)
        vanlig = Konfig(args.worker_class, args.workers, args.threads)
        korningar: dict[str, Korning] = {}
        gemensamt = {"args": args, "katalog": katalog}
        if not args.bara_jamfor:
            korningar["produkt"] = kor(
                "produkt",
                env,
                vanlig,
                locustfil="bench/locustfile.py",
                sokvag="/login/",
                tid=args.tid,
                **gemensamt,
            )
        if args.golv:
            korningar["golv"] = kor(
                "golv",
                {**env, "DJANGO_SETTINGS_MODULE": "bench.golv_settings"},
                vanlig,
                locustfil="bench/golv_locust.py",
                sokvag="/golv/",
                tid=args.tid,
                **gemensamt,
            )
        jamforelse = [
            kor(
                f"jamfor-{i}",
                env,
                konfig,
                locustfil="bench/locustfile.py",
                sokvag="/login/",
                tid=args.jamfor_tid,
                **gemensamt,
            )
            for i, konfig in enumerate(args.jamfor, 1)
        ]
        meta["slut"] = datetime.datetime.now(datetime.UTC)
    finally:
        for proc in processer:
            proc.stoppa()
        redis.stoppa()

    alla = [*korningar.values(), *jamforelse]
    meta["load_fore"], meta["load_efter"] = alla[0].load_fore, alla[-1].load_efter
    text = rapport(args, korningar, jamforelse, meta)
    print("\n".join(text))
    if args.skriv:
        with open(args.skriv, "a", encoding="utf-8") as f:
            f.write("\n" + "\n".join(text))
    # Fler sparade än kvitton händer när locust avbryter en pågående begäran vid sluttiden; färre vore en
    # förlorad rapport.
    sys.exit(0 if all(k.godkand for k in alla) else 1)


if __name__ == "__main__":
    main()
