"""docker-compose.yml läst som fil (snabbt, utan podman): det containertestet kör den (.ci/container-test läser
tjänsterna, kommandona, miljön, volymerna och hälsokontrollerna ur samma fil), här det som ska gälla för den."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROT = Path(__file__).resolve().parents[2]
DATAVOLYMER = {"pgdata", "redisdata", "media", "privat", "backup"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROT / "docker-compose.yml").read_text(encoding="utf-8"))


def _appens(compose) -> dict:
    # Tjänsterna som kör avbilden (x-app), inte postgres och redis.
    return {n: t for n, t in compose["services"].items() if "build" in t}


def _koer(tjanst) -> set[str]:
    kommando = [str(d) for d in tjanst["command"]]
    assert "-Q" in kommando, kommando
    return set(kommando[kommando.index("-Q") + 1].split(","))


def _miljo(tjanst) -> dict:
    miljo = tjanst.get("environment") or {}
    return miljo if isinstance(miljo, dict) else dict(e.split("=", 1) for e in miljo)


def test_no_password_or_secret_is_written_in_the_file(compose):
    for namn, tjanst in compose["services"].items():
        for nyckel, varde in _miljo(tjanst).items():
            varde = str(varde)
            if re.search(r"PASSWORD|SECRET|TOKEN|KEY|DSN", nyckel):
                assert varde.startswith("${") and varde.endswith("}"), (namn, nyckel)
            # Lösenord i en adress (schema://användare:lösen@värd) bara ur .env.
            for losen in re.findall(r"://[^:/@\s]+:([^@\s]+)@", varde):
                assert re.fullmatch(r"\$\{[A-Z_]+(:\?[^}]*)?\}", losen), (namn, nyckel)
    for namn, tjanst in _appens(compose).items():
        assert tjanst["env_file"] == ".env", namn


def test_every_data_volume_is_in_the_readme_backup_section(compose):
    assert set(compose["volumes"]) == DATAVOLYMER
    readme = (ROT / "README.md").read_text(encoding="utf-8")
    avsnitt = readme.split("## Säkerhetskopiering och återställning", 1)[1].split("\n## ", 1)[0]
    for volym in DATAVOLYMER:
        assert f"`{volym}`" in avsnitt, volym


def test_every_long_running_service_has_a_healthcheck_and_web_does_not_migrate(compose):
    tjanster = compose["services"]
    for namn in set(_appens(compose)) - {"migrate"} | {"postgres", "redis"}:
        assert tjanster[namn].get("healthcheck", {}).get("test"), namn
    assert {"web", "worker", "worker-pdf", "beat", "migrate"} <= set(_appens(compose))
    assert "migrate" not in " ".join(map(str, tjanster["web"]["command"]))
    assert "migrate" in " ".join(map(str, tjanster["migrate"]["command"]))


def test_worker_takes_the_default_queue_and_worker_pdf_the_pdf_queue(compose):
    tjanster = compose["services"]
    assert _koer(tjanster["worker"]) == {settings.CELERY_TASK_DEFAULT_QUEUE} == {"celery"}
    assert _koer(tjanster["worker-pdf"]) == {"pdf"}
    assert settings.CELERY_TASK_ROUTES["rapporter.tasks.bygg_pdf"]["queue"] == "pdf"
    # Celerys tidsgränser (mjuk och hård) gäller bara i prefork (BENCHMARKS.md: solo sov förbi båda).
    pdf = [str(d) for d in tjanster["worker-pdf"]["command"]]
    flagga = next(f for f in ("--pool", "-P") if f in pdf)
    assert pdf[pdf.index(flagga) + 1] == "prefork"
    assert {"--max-tasks-per-child", "--max-memory-per-child"} <= set(pdf)
    # Varje kö har en worker.
    lyssnar = set().union(
        *(_koer(t) for n, t in tjanster.items() if "worker" in map(str, t.get("command", [])))
    )
    assert lyssnar == set(settings.CELERY_KOER)


def test_the_nightly_backup_runs_where_the_backup_volume_and_pg_dump_are(compose):
    # Beat lägger uppgiften på dess kö; workern som tar den kön har backup-volymen där BACKUP_DIR pekar.
    ko = settings.CELERY_TASK_ROUTES.get("kvalitet.tasks.sakerhetskopia", {}).get(
        "queue", settings.CELERY_TASK_DEFAULT_QUEUE
    )
    tjanster = compose["services"]
    korande = [
        n for n, t in _appens(compose).items() if "worker" in map(str, t["command"]) and ko in _koer(t)
    ]
    assert korande == ["worker"]
    katalog = _miljo(tjanster["worker"])["BACKUP_DIR"]
    assert f"backup:{katalog}" in tjanster["worker"]["volumes"]
    # Avbildens katalog (ägd av appens användare) är samma, så att en ny volym blir skrivbar för den.
    dockerfile = (ROT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(rf"^\s+BACKUP_DIR={re.escape(katalog)}\s*$", dockerfile, re.M)
    assert re.search(rf"mkdir -p [^\n]*{re.escape(katalog)}\b", dockerfile)
    assert re.search(rf"chown kvalitet:kvalitet [^\n]*{re.escape(katalog)}\b", dockerfile)
    # pg_dump i samma huvudversion som databasen i compose.
    major = re.fullmatch(r"postgres:(\d+)(\..*)?", tjanster["postgres"]["image"]).group(1)
    assert f"postgresql-client-{major} " in dockerfile or f"postgresql-client-{major}\n" in dockerfile
    # Bara workern skriver kopiorna; web, beat och worker-pdf har inte volymen.
    for namn in ("web", "beat", "worker-pdf"):
        assert not any(str(v).startswith("backup:") for v in tjanster[namn]["volumes"]), namn
