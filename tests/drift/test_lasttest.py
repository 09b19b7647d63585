"""Lasttestets delar (bench/last.py, bench/golv.py) som går att pröva utan att köra locust: gunicorns
konfiguration som levererad och med jämförelsens överskrivningar, TOTP-inloggningen för lasttestets konton,
golvets rader och rapportens text."""

import argparse
import datetime

import pytest
from django.test import override_settings
from django.urls import reverse

from avvikelser import queries
from bench import golv, last, tjanster
from tests.avvikelser.factories import AvvikelseFactory


def test_gunicorn_conf_default_is_gthread_2x4_and_env_overrides_it():
    assert last.gunicorn_konfig({}) == {"worker_class": "gthread", "workers": 2, "threads": 4}
    env = {"GUNICORN_WORKER_CLASS": "sync", "GUNICORN_WORKERS": "4", "GUNICORN_THREADS": "1"}
    assert last.gunicorn_konfig(env) == {"worker_class": "sync", "workers": 4, "threads": 1}
    # gunicorn byter sync med flera trådar till gthread; rapporten ska säga det som faktiskt körs.
    assert last.gunicorn_konfig({**env, "GUNICORN_THREADS": "4"})["worker_class"] == "gthread"


def test_comparison_spec_parses_and_rejects_bad_input():
    assert last.Konfig.tolka("sync:4") == last.Konfig("sync", 4, 1)
    assert last.Konfig.tolka("gthread:2x4") == last.Konfig("gthread", 2, 4)
    for fel in ("gevent:4", "sync", "gthread:2xfyra"):
        with pytest.raises(argparse.ArgumentTypeError):
            last.Konfig.tolka(fel)
    assert last.betanketid("1-4") == "1-4" and last.betanketid("0") == "0"
    for fel in ("4-1", "snabbt", "-1", "1-2-3"):
        with pytest.raises(argparse.ArgumentTypeError):
            last.betanketid(fel)


def test_gunicorn_as_shipped_only_sets_bind_and_requested_overrides():
    proc = tjanster.gunicorn_som_levererad({"GUNICORN_WORKERS": "9"}, 8123)
    assert proc.argv[-3:] == ["-c", "gunicorn.conf.py", "kvalitet.wsgi:application"]
    assert proc.env["GUNICORN_BIND"] == "127.0.0.1:8123"
    miljo = tjanster.produktion_miljo("postgres://x/kv_last", "redis://y/0", tjanster.ROT / "tmp")
    assert miljo["KVALITET_MILJO"] == "production" and "DEBUG" not in miljo
    assert not any(k.startswith("GUNICORN_") for k in miljo)


@pytest.mark.django_db
def test_load_test_accounts_log_in_with_password_and_computed_totp(client, cast, settings):
    settings.TVAFAKTOR_KRAVS = True
    cast.kim.username = last.SAMORDNARE
    cast.kim.save()
    last.skapa_konton(2)
    last.skapa_konton(2)  # två körningar mot samma databas: samma konton, inga dubbletter

    svar = client.post(reverse("login"), {"username": "last.samordnare.02", "password": "demo-kvalitet-2026"})
    assert svar.status_code == 302
    svar = client.get(svar.url)
    assert svar.status_code == 302 and svar.url.startswith(reverse("tvafaktor"))
    kod = tjanster.totp(tjanster.totp_nyckel("last.samordnare.02"))
    svar = client.post(svar.url, {"kod": kod})
    assert svar.status_code == 302 and not svar.url.startswith(reverse("tvafaktor"))
    # Kontot har demokontots roll och ser därför samma sidor.
    assert client.get(reverse("uppfoljning:tackning")).status_code == 200
    # En kod gäller en gång: samma kod i en ny session godtas inte.
    client.logout()
    client.post(reverse("login"), {"username": "last.samordnare.02", "password": "demo-kvalitet-2026"})
    svar = client.post(reverse("tvafaktor"), {"kod": kod})
    assert svar.status_code == 200


@pytest.mark.django_db
def test_floor_reads_the_queue_rows_for_one_unit_in_one_query(
    client, cast, org, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(golv, "ENHET", org.e1.kod)
    monkeypatch.setattr(golv, "_enhet_id", None)
    AvvikelseFactory.create_batch(30, enhet=org.e1, rapporterad_av=cast.pia)
    AvvikelseFactory.create_batch(3, enhet=org.e3, rapporterad_av=cast.pia)
    kon = list(queries.ko(cast.erik, enhet=org.e1)[:25])
    assert [a.pk for a in golv.rader()] == [a.pk for a in kon]
    with (
        override_settings(
            ROOT_URLCONF="bench.golv", MIDDLEWARE=["django.middleware.common.CommonMiddleware"]
        ),
        django_assert_num_queries(1),
    ):
        svar = client.get("/golv/")
    assert svar.status_code == 200
    html = svar.content.decode()
    assert all(a.referensnummer in html for a in kon)
    assert html.count("<tr>") == 26  # rubrikraden och 25 avvikelser


def _korning(namn, per_s, median, p95, *, misslyckade=0, kvitton=0, sparade=0, gunicorn=None):
    totalt = {
        "Name": "Aggregated",
        "Request Count": "1000",
        "Failure Count": str(misslyckade),
        "Requests/s": str(per_s),
        "50%": str(median),
        "95%": str(p95),
        "Max Response Time": "900.5",
    }
    sida = {**totalt, "Name": "kö"}
    return last.Korning(
        namn,
        gunicorn or {"worker_class": "gthread", "workers": 2, "threads": 4},
        "10m",
        600.0,
        (0.1, 0.2, 0.3),
        (1.5, 1.2, 0.9),
        [sida],
        totalt,
        kvitton,
        sparade,
        0,
    )


def test_report_has_command_load_other_work_pages_floor_and_comparison():
    args = argparse.Namespace(
        anvandare=50,
        tid="10m",
        scale=10,
        spawn=5,
        betanketid="0",
        jamfor_tid="2m",
        annat="CI-sviten i en annan worktree",
    )
    meta = {
        "kommando": ".venv/bin/python bench/last.py --golv",
        "commit": "abc1234",
        "karnor": 2,
        "postgres": "15.20",
        "start": datetime.datetime(2026, 12, 1, 20, 0),
        "slut": datetime.datetime(2026, 12, 1, 20, 35),
        "load_fore": (0.05, 0.1, 0.2),
        "load_efter": (2.0, 1.8, 1.0),
        "seed": 412.0,
    }
    produkt = _korning("produkt", 20.0, 120, 480, kvitton=300, sparade=300)
    golvet = _korning("golv", 80.0, 20, 60)
    sync = _korning("jamfor-1", 15.5, 150, 700, gunicorn={"worker_class": "sync", "workers": 4, "threads": 1})
    text = "\n".join(last.rapport(args, {"produkt": produkt, "golv": golvet}, [sync], meta))
    assert "`.venv/bin/python bench/last.py --golv`" in text and "abc1234" in text
    assert "CI-sviten i en annan worktree" in text
    assert "0.05 / 0.10 / 0.20" in text and "2.00 / 1.80 / 1.00" in text
    assert "**0 misslyckade**" in text and "Rapporter med kvitto: 300; sparade i databasen: 300" in text
    assert "| kö | 1000 | 120 | 480 | 900 | 0 |" in text
    assert "**80.0/s**" in text and "25 % av golvets" in text
    assert "| sync, 4 processer | 1000 | 15.5 | 150 | 700 | 900 | 0 |" in text
    assert "412 s" in text
