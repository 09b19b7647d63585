"""Djupt nästlad JSON till API:t ger 400 med svenskt meddelande, inte RecursionError och 500."""

import pytest

DJUP = b"[" * 100_000


@pytest.mark.parametrize("sokvag", ["/api/v1/brukare/", "/api/v1/import/brukare/", "/api/v1/avvikelser/"])
def test_deeply_nested_json_gives_400_not_500(cast, client, sokvag):
    client.force_login(cast.hanna)
    svar = client.post(sokvag, data=DJUP, content_type="application/json")
    assert svar.status_code == 400 and "för djupt nästlat" in svar.json()["detail"]
