"""Egna, tillfälliga tjänster för last- och feltester: en privat Redis, ett privat PostgreSQL-kluster,
gunicorn, en Celery-worker och påminnelsesvepet. De delade tjänsterna på 5432/6379 rörs aldrig: ett feltest
som stoppar Redis eller startar om PostgreSQL gör det med sina egna instanser."""

import contextlib
import hashlib
import hmac
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROT = Path(__file__).resolve().parents[1]
PY = sys.executable


def ledig_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def vanta_pa(villkor, sekunder: float = 60, vad: str = "tjänsten") -> None:
    slut = time.monotonic() + sekunder
    while time.monotonic() < slut:
        with contextlib.suppress(Exception):
            if villkor():
                return
        time.sleep(0.3)
    raise RuntimeError(f"{vad} startade inte inom {sekunder} s")


def port_svarar(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Process:
    """En underprocess med namn, som stoppas säkert (SIGTERM, sedan SIGKILL)."""

    def __init__(self, namn: str, argv: list[str], env: dict | None = None, logg: Path | None = None, **kw):
        self.namn, self.argv, self.env, self.kw = namn, argv, env, kw
        self.logg = logg or Path(tempfile.gettempdir()) / f"kvalitet-{namn}.log"
        self.p: subprocess.Popen | None = None

    def starta(self) -> "Process":
        with open(self.logg, "ab") as ut:
            self.p = subprocess.Popen(
                self.argv,
                cwd=ROT,
                env=self.env,
                stdout=ut,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                **self.kw,
            )
        return self

    def stoppa(self, sig=signal.SIGTERM, vanta: float = 20) -> None:
        if self.p is None or self.p.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.p.pid, sig)
        try:
            self.p.wait(timeout=vanta)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.p.pid, signal.SIGKILL)
            self.p.wait(timeout=10)

    def doda(self) -> None:
        """SIGKILL: som ett strömavbrott för processen."""
        self.stoppa(signal.SIGKILL)


class PrivatRedis:
    def __init__(self):
        self.port = ledig_port()
        self.katalog = Path(tempfile.mkdtemp(prefix="kvalitet-redis-"))
        self.proc = Process(
            f"redis-{self.port}",
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.katalog),
            ],
        )

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def starta(self):
        self.proc.starta()
        vanta_pa(lambda: port_svarar(self.port), vad="Redis")
        return self

    def stoppa(self):
        self.proc.stoppa()


class PrivatPostgres:
    """Ett eget kluster (initdb) på en ledig port, ägt av användaren postgres när skriptet körs som root."""

    def __init__(self):
        self.port = ledig_port()
        self.katalog = Path(tempfile.mkdtemp(prefix="kvalitet-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.katalog, "postgres")
        self.bin = Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1])

    def _kor(self, *argv: str) -> None:
        kommando = [str(self.bin / argv[0]), *argv[1:]]
        if os.geteuid() == 0:
            kommando = ["runuser", "-u", "postgres", "--", *kommando]
        subprocess.run(kommando, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/kvalitet"

    def starta(self):
        if not (self.katalog / "data" / "PG_VERSION").exists():
            self._kor(
                "initdb", "-D", str(self.katalog / "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8"
            )
        self._kor(
            "pg_ctl",
            "-D",
            str(self.katalog / "data"),
            "-l",
            str(self.katalog / "logg"),
            "-w",
            "-o",
            f"-p {self.port} -k {self.katalog} -c listen_addresses=127.0.0.1",
            "start",
        )
        vanta_pa(lambda: port_svarar(self.port), vad="PostgreSQL")
        return self

    def skapa_databas(self):
        self._kor("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "kvalitet")

    def stoppa(self, lage: str = "fast"):
        with contextlib.suppress(subprocess.CalledProcessError):
            self._kor("pg_ctl", "-D", str(self.katalog / "data"), "-m", lage, "-w", "stop")

    def stada(self):
        self.stoppa("immediate")
        shutil.rmtree(self.katalog, ignore_errors=True)


def miljo(databas_url: str, redis_url: str, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": databas_url,
        "REDIS_URL": redis_url,
        "KVALITET_MILJO": "test",
        "DEBUG": "false",
        "DB_CONN_MAX_AGE": "60",
        **extra,
    }


def manage(env: dict, *argv: str) -> None:
    subprocess.run([PY, "manage.py", *argv], cwd=ROT, env=env, check=True, stdout=subprocess.DEVNULL)


def gunicorn(env: dict, port: int, workers: int = 4) -> Process:
    return Process(
        f"gunicorn-{port}",
        [
            PY,
            "-m",
            "gunicorn",
            "kvalitet.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
        ],
        env=env,
    )


# --- produktionskonfigurationen (bench/last.py) -----------------------------------------------------

# Värdnamnet som den tänkta TLS-proxyn skickar i Host (ALLOWED_HOSTS). Det slås aldrig upp: locust skickar
# allt till gunicorn på 127.0.0.1 (bench/locustfile.py, TlsProxy).
VARD = "kvalitet.lasttest.example"


def produktion_miljo(databas_url: str, redis_url: str, katalog: Path, **extra) -> dict:
    """Miljön som .env.example beskriver, med README:s proxyinställning (BETRODDA_PROXYER=1). Inget
    försvagas: HTTPS-kravet, säkra cookies, HSTS och tvåfaktor gäller; klienten talar som proxyn."""
    miljo = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "DJANGO_SETTINGS"))}
    miljo.update(
        {
            "KVALITET_MILJO": "production",
            "SECRET_KEY": secrets.token_urlsafe(64),
            "ALLOWED_HOSTS": VARD,
            "CSRF_TRUSTED_ORIGINS": f"https://{VARD}",
            "KVALITET_BAS_URL": f"https://{VARD}",
            "DATABASE_URL": databas_url,
            "REDIS_URL": redis_url,
            "BETRODDA_PROXYER": "1",
            "STATIC_ROOT": str(katalog / "static"),
            "MEDIA_ROOT": str(katalog / "media"),
            "PRIVAT_MEDIA_ROOT": str(katalog / "privat"),
            "BACKUP_DIR": str(katalog / "backup"),
            **extra,
        }
    )
    for bort in ("DEBUG", "PYTEST_XDIST_WORKER", "TVAFAKTOR_KRAVS", "SECURE_SSL_REDIRECT", "DB_CONN_MAX_AGE"):
        miljo.pop(bort, None)
    return miljo


def gunicorn_som_levererad(
    env: dict,
    port: int,
    *,
    worker_class: str | None = None,
    workers: int | None = None,
    threads: int | None = None,
    logg: Path | None = None,
) -> Process:
    """`gunicorn -c gunicorn.conf.py kvalitet.wsgi:application` som i docker-compose.yml; bara adressen
    och (för jämförelsen) processmodellen ändras, genom miljövariablerna som gunicorn.conf.py läser."""
    miljo = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    for namn, varde in (("WORKER_CLASS", worker_class), ("WORKERS", workers), ("THREADS", threads)):
        if varde is not None:
            miljo[f"GUNICORN_{namn}"] = str(varde)
    return Process(
        f"gunicorn-{port}",
        [PY, "-m", "gunicorn", "-c", "gunicorn.conf.py", "kvalitet.wsgi:application"],
        env=miljo,
        logg=logg,
    )


def celery_worker(env: dict, ko: str, logg: Path | None = None) -> Process:
    """Samma kommando som tjänsterna worker och worker-pdf i docker-compose.yml."""
    argv = [PY, "-m", "celery", "-A", "kvalitet", "worker", "-l", "info", "-Q", ko, "-n", f"{ko}@%h"]
    argv += (
        ["--concurrency", "2"] if ko == "celery" else ["--concurrency", "1", "--max-tasks-per-child", "10"]
    )
    return Process(f"worker-{ko}", argv, env=env, logg=logg)


def beat(env: dict, logg: Path | None = None) -> Process:
    """Som tjänsten beat i docker-compose.yml (schemat i databasen, django-celery-beat)."""
    return Process("beat", [PY, "-m", "celery", "-A", "kvalitet", "beat", "-l", "info"], env=env, logg=logg)


def totp_nyckel(anvandarnamn: str) -> str:
    """TOTP-nyckeln (hex, 20 byte) som bench/last.py ger lasttestets konton och locust räknar koden ur."""
    return hashlib.sha1(f"kvalitet-lasttest:{anvandarnamn}".encode(), usedforsecurity=False).hexdigest()


def totp(nyckel_hex: str, tid: float | None = None, steg: int = 30, siffror: int = 6) -> str:
    """RFC 6238 (HMAC-SHA1), samma som django_otp:s TOTPDevice med standardinställningar."""
    raknare = int((time.time() if tid is None else tid) // steg)
    digest = hmac.new(bytes.fromhex(nyckel_hex), raknare.to_bytes(8, "big"), hashlib.sha1).digest()
    forskjutning = digest[-1] & 0x0F
    kod = int.from_bytes(digest[forskjutning : forskjutning + 4], "big") & 0x7FFFFFFF
    return str(kod % 10**siffror).zfill(siffror)


def worker(env: dict, namn: str = "worker") -> Process:
    return Process(
        namn, [PY, "-m", "celery", "-A", "kvalitet", "worker", "-P", "solo", "-l", "warning"], env=env
    )


def svep(env: dict) -> Process:
    """Påminnelsesvepet i en slinga (samma som beat gör i drift, utan beats databasschema)."""
    return Process("svep", [PY, "manage.py", "bevakningssvep", "--loop", "2"], env=env)


def svarar(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as svar:  # noqa: S310  # nosec
        return svar.status < 500
