"""Det som levereras för produktion: statiska filer, låsfiler, avbild och compose-fil.

Själva avbilden byggs och körs av .ci/container-test (podman); här kontrolleras filerna snabbt.
"""

import json
import os
import re
import secrets
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from django.conf import settings
from django.core.management import call_command

ROT = Path(settings.BASE_DIR)


def test_collectstatic_with_manifest_storage_resolves_every_reference(settings, tmp_path):
    # Produktionens lagring hashar filnamnen och skriver om varje url() och sourceMappingURL; en
    # referens till en fil som inte finns bland de statiska filerna stoppar collectstatic.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "vendor/bootstrap.min.css" in manifest
    assert "rapporter/rapport_pdf.css" in manifest
    # Typsnitten i PDF-stilen pekar på de hashade filerna bredvid.
    css = (tmp_path / manifest["rapporter/rapport_pdf.css"]).read_text()
    assert manifest["rapporter/fonts/DejaVuSans.ttf"].removeprefix("rapporter/") in css


def test_production_uses_compressed_manifest_storage():
    miljo = {
        **os.environ,
        "KVALITET_MILJO": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "kvalitet.test",
        "DATABASE_URL": "postgres://bygge@127.0.0.1/bygge",
        "DJANGO_SETTINGS_MODULE": "kvalitet.settings",
    }
    kod = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    ut = subprocess.run([sys.executable, "-c", kod], env=miljo, cwd=ROT, capture_output=True, text=True)
    assert ut.stdout.strip() == "whitenoise.storage.CompressedManifestStaticFilesStorage", ut.stderr


def _namn(krav: str) -> str:
    return re.split(r"[\s\[<>=!~;]", krav, maxsplit=1)[0].lower().replace("_", "-")


def _last(fil: str) -> set[str]:
    rader = (ROT / fil).read_text(encoding="utf-8").splitlines()
    return {_namn(r) for r in rader if r and not r[0].isspace() and not r.startswith("#")}


def test_lock_files_pin_every_dependency_in_pyproject_with_hashes():
    projekt = tomllib.loads((ROT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    prod = {_namn(k) for k in projekt["dependencies"]}
    dev = {_namn(k) for k in projekt["optional-dependencies"]["dev"]}
    saknas_prod = prod - _last("requirements.lock")
    saknas_dev = (prod | dev) - _last("requirements-dev.lock")
    assert not saknas_prod and not saknas_dev, f"Kör `make lock`: saknas {saknas_prod | saknas_dev}"
    # Avbilden får inga utvecklingsverktyg.
    assert not {"pytest", "ruff", "playwright"} & _last("requirements.lock")
    for fil in ("requirements.lock", "requirements-dev.lock"):
        text = (ROT / fil).read_text(encoding="utf-8")
        for post in re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2]):
            if "==" in post:
                assert "--hash=sha256:" in post, post.splitlines()[0]


def test_code_imports_only_declared_distributions():
    # Det koden importerar direkt ska stå i pyproject, inte komma med som beroende till något annat.
    from importlib.metadata import packages_distributions

    projekt = tomllib.loads((ROT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deklarerade = {_namn(k) for k in projekt["dependencies"]}
    deklarerade |= {_namn(k) for k in projekt["optional-dependencies"]["dev"]}
    deklarerade |= {_namn(k) for k in projekt["optional-dependencies"]["bench"]}
    distributioner = packages_distributions()
    egna = {"kvalitet", "avvikelser", "lexsarah", "riskanalys", "uppfoljning", "rapporter", "tests", "bench"}
    odeklarerade = {}
    for fil in ROT.glob("*/**/*.py"):
        if fil.parts[len(ROT.parts)] in (".venv", "node_modules") or "migrations" in fil.parts:
            continue
        for modul in re.findall(
            r"^\s*(?:from|import) ([a-zA-Z_][a-zA-Z0-9_]*)", fil.read_text("utf-8"), re.M
        ):
            if modul in egna or modul not in distributioner:
                continue  # standardbiblioteket eller projektets egna paket
            namn = {d.lower().replace("_", "-") for d in distributioner[modul]}
            if not namn & deklarerade:
                odeklarerade.setdefault(modul, str(fil.relative_to(ROT)))
    assert not odeklarerade


def test_image_defaults_to_production_as_non_root_with_overridable_base():
    text = (ROT / "Dockerfile").read_text(encoding="utf-8")
    assert text.index("ARG BASE_IMAGE=") < text.index("FROM ${BASE_IMAGE}")
    assert re.search(r"^ENV KVALITET_MILJO=production", text, re.M)
    assert "pip install --require-hashes -r requirements.lock" in text
    anvandare = re.findall(r"^USER (\S+)", text, re.M)
    assert anvandare and anvandare[-1] not in ("root", "0")
    assert "collectstatic" in text


def test_dockerignore_keeps_secrets_data_and_local_env_out_of_the_image():
    rader = set((ROT / ".dockerignore").read_text(encoding="utf-8").splitlines())
    assert {".env", ".git", ".venv", "media", "privat", "*.sqlite3", "staticfiles"} <= rader


def _compose() -> dict:
    return yaml.safe_load((ROT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_no_hard_coded_password_and_reads_env():
    compose = _compose()
    postgres = compose["services"]["postgres"]["environment"]
    assert postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    for namn, tjanst in compose["services"].items():
        if "build" in tjanst or tjanst.get("image", "").startswith("${KVALITET_IMAGE"):
            assert tjanst["env_file"] == ".env", namn
            url = tjanst["environment"]["DATABASE_URL"]
            assert "${POSTGRES_PASSWORD" in url, namn


def test_compose_migrates_once_and_every_long_running_service_has_a_healthcheck():
    tjanster = _compose()["services"]
    assert "migrate" in " ".join(tjanster["migrate"]["command"])
    for namn in ("web", "worker", "worker-pdf", "beat"):
        assert "migrate" not in " ".join(tjanster[namn]["command"]), namn
        assert tjanster[namn]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    for namn in ("web", "worker", "worker-pdf", "beat", "redis", "postgres"):
        assert tjanster[namn]["healthcheck"]["test"], namn
    assert (
        "pdf" in tjanster["worker-pdf"]["command"]
        and "--max-tasks-per-child" in tjanster["worker-pdf"]["command"]
    )


def test_compose_keeps_data_on_named_volumes_and_binds_web_to_localhost_only():
    compose = _compose()
    for namn in ("web", "worker", "worker-pdf", "beat"):
        volymer = compose["services"][namn]["volumes"]
        assert {"media:/app/media", "privat:/app/privat"} <= {v.split()[0] for v in volymer}, namn
    assert {"pgdata", "media", "privat"} <= set(compose["volumes"])
    for port in compose["services"]["web"].get("ports", []):
        assert str(port).startswith("127.0.0.1:"), port
    assert "ports" not in compose["services"]["redis"] and "ports" not in compose["services"]["postgres"]
