"""Felrapporteringen (sentry-sdk) skickar aldrig personuppgifter och är av utan SENTRY_DSN."""

import json
import logging
import os
import subprocess
import sys

import pytest
import sentry_sdk
from sentry_sdk.transport import Transport

from kvalitet import felrapport
from tests.conftest import ROT

PNR = "19121212-1212"


class Fangare(Transport):
    """Tar emot det SDK:t skulle ha skickat till servern."""

    skickat: list = []

    def capture_envelope(self, envelope):
        for del_ in envelope.items:
            if del_.headers.get("type") in ("event", "transaction"):
                Fangare.skickat.append(json.loads(del_.payload.get_bytes()))


@pytest.fixture
def sentry():
    Fangare.skickat = []
    felrapport.starta("https://nyckel@sentry.kommun.example/1", miljo="test", transport=Fangare)
    yield Fangare.skickat
    sentry_sdk.init()  # av igen


def test_reporting_is_off_without_a_dsn_and_on_with_one_with_the_scrubber():
    assert not sentry_sdk.get_client().is_active()
    kod = (
        "import django, sentry_sdk; django.setup(); o = sentry_sdk.get_client().options; "
        "print(sentry_sdk.get_client().is_active(), o['send_default_pii'], o['include_local_variables'], "
        "o['before_send'].__name__)"
    )
    env = {**os.environ, "SENTRY_DSN": "https://nyckel@glitchtip.kommun.example/3"}
    ut = subprocess.run(
        [sys.executable, "-c", kod], cwd=ROT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert ut.split() == ["True", "False", "False", "rensa"]


def test_an_error_sent_through_the_sdk_carries_no_personnummer_names_or_local_variables(sentry):
    sentry_sdk.set_user(
        {"id": 7, "username": "hanna", "email": "hanna@kommun.example", "ip_address": "10.0.0.9"}
    )
    logging.getLogger("kvalitet.test").warning("Sökte efter %s", PNR)

    def spara(namn, personnummer):
        raise ValueError(f"Kunde inte spara {personnummer}")

    try:
        spara("Greta Gran", PNR)
    except ValueError:
        sentry_sdk.capture_exception()
    sentry_sdk.flush()
    assert len(sentry) == 1
    text = json.dumps(sentry[0], ensure_ascii=False)
    for hemligt in (PNR, "191212121212", "Greta", "hanna", "10.0.0.9"):
        assert hemligt not in text
    assert sentry[0]["user"] == {"id": 7}
    assert "[personnummer]" in sentry[0]["exception"]["values"][0]["value"]


def test_before_send_strips_request_data_user_fields_and_frame_variables():
    event = {
        "request": {
            "url": f"https://kvalitet.kommun.example/brukare/?sok={PNR}",
            "method": "POST",
            "data": {"fornamn": "Greta", "personnummer": PNR},
            "cookies": {"sessionid": "hemlig"},
            "headers": {"Cookie": "sessionid=hemlig"},
            "query_string": f"sok={PNR}",
        },
        "user": {"id": 3, "username": "kim", "email": "kim@kommun.example", "name": "Kim K"},
        "exception": {
            "values": [
                {
                    "value": f"Brukare 121212-1212 och {PNR}",
                    "stacktrace": {"frames": [{"function": "spara", "vars": {"namn": "Greta Gran"}}]},
                }
            ]
        },
        "breadcrumbs": {"values": [{"message": f"SELECT ... {PNR}", "data": {"params": ["Greta"]}}]},
        "extra": {"brukare": "Greta Gran"},
    }
    rensad = felrapport.rensa(event)
    text = json.dumps(rensad, ensure_ascii=False)
    for hemligt in (PNR, "121212-1212", "Greta", "kim@", "Kim K", "hemlig"):
        assert hemligt not in text
    assert rensad["request"] == {"method": "POST", "url": "https://kvalitet.kommun.example/brukare/"}
    assert rensad["user"] == {"id": 3}
