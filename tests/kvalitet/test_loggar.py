"""Loggarna är JSON-rader med nivå, logger, begärans id och användarens id, aldrig personuppgifter."""

import io
import json
import logging

import pytest

from kvalitet.logg import JsonFormatter, KontextFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def loggrader():
    """Det som loggas under testet, formaterat som i drift (LOG_JSON)."""
    strom = io.StringIO()
    hanterare = logging.StreamHandler(strom)
    hanterare.addFilter(KontextFilter())
    hanterare.setFormatter(JsonFormatter())
    rot = logging.getLogger()
    rot.addHandler(hanterare)
    yield lambda: [json.loads(r) for r in strom.getvalue().splitlines()]
    rot.removeHandler(hanterare)


def test_a_log_line_is_json_with_level_logger_request_id_and_user_id_only(cast, brukare, logga_in, loggrader):
    klient = logga_in(cast.hanna)
    svar = klient.get("/brukare/999999/", headers={"X-Request-ID": "proxy-1234abcd"})
    assert svar.status_code == 404
    assert svar["X-Request-ID"] == "proxy-1234abcd"
    rad = next(r for r in loggrader() if r["logger"] == "django.request")
    assert rad["level"] == "WARNING"
    assert rad["request_id"] == "proxy-1234abcd"
    assert rad["user_id"] == cast.hanna.pk
    assert {"time", "message"} <= set(rad)
    text = json.dumps(rad)
    assert "hanna" not in text.lower() and brukare.b1.personnummer not in text


@pytest.mark.parametrize(
    "inkommande", ["kort", "a b c d e f g h", "x" * 65, "id\nFalsk rad", "<script>123456"]
)
def test_an_unsafe_incoming_request_id_is_replaced(client, inkommande):
    svar = client.get("/health/", headers={"X-Request-ID": inkommande})
    nytt = svar["X-Request-ID"]
    assert nytt != inkommande and len(nytt) == 32 and int(nytt, 16) >= 0
