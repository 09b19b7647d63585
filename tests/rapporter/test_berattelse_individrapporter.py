"""Individrapporterna till IVO nås där samordnaren arbetar (sidan Ej verkställda beslut): en fil per
kvartal med fälten IVO:s e-tjänst frågar efter, pseudonym och inga namn, och bara inom användarens scope."""

import csv
import datetime
import io

import pytest

from tests.factories import BrukareFactory, InsatsFactory
from uppfoljning import queries, services
from uppfoljning.models import EjVerkstalltBeslut

D = datetime.date
pytestmark = pytest.mark.django_db
SIDA = "/uppfoljning/ej-verkstallda/"


def _beslut(org, namnd, pseudonym, **kw):
    b = BrukareFactory(namnd=namnd, fornamn="Hemligt", efternamn="Namnsson")
    insats = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2025, 10, 1), startdatum=None)
    return EjVerkstalltBeslut.objects.create(
        insats=insats, fran=insats.beslutsdatum, brukare=b, namnd=namnd, lag="SoL", pseudonym=pseudonym, **kw
    )


@pytest.fixture
def rapporter(org, cast):
    _beslut(org, org.n1, "19500517-B224", orsak="Ingen ledig plats")
    _beslut(org, org.n1, "19480203-C131")
    _beslut(org, org.n2, "19400101-D302", orsak="Rekrytering pågår")
    assert services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=1) == 2
    assert services.individrapporter_skapa(user=cast.sofia, namnd=org.n2, ar=2026, kvartal=1) == 1


def test_coordinator_sees_each_quarter_with_a_download_link_and_what_is_missing(logga_in, cast, rapporter):
    sida = logga_in(cast.kim).get(SIDA).content.decode()
    assert 'id="individrapporter"' in sida
    assert 'Hämta<span class="visually-hidden"> individrapporter 2026 kvartal 1 som</span> CSV' in sida
    assert "/uppfoljning/ej-verkstallda/individrapporter.csv?ar=2026&amp;kvartal=1" in sida
    assert "1 utan orsak" in sida
    assert queries.individrapporter_per_kvartal(cast.kim) == [
        {
            "ar": 2026,
            "kvartal": 1,
            "antal": 2,
            "utan_orsak": 1,
            "fel_pseudonym": 0,
            "url": "/uppfoljning/ej-verkstallda/individrapporter.csv?ar=2026&kvartal=1",
        }
    ]


def test_download_has_ivo_fields_pseudonyms_and_only_own_committee(logga_in, cast, rapporter):
    url = queries.individrapporter_per_kvartal(cast.kim)[0]["url"]
    svar = logga_in(cast.kim).get(url)
    assert svar.status_code == 200
    text = svar.content.decode("utf-8-sig")
    rader = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert list(rader[0]) == [nyckel for nyckel, _ in queries.IVO_INDIVIDRAPPORT_FALT]
    assert sorted(r["pseudonym"] for r in rader) == ["19480203-C131", "19500517-B224"]
    assert all(r["lag"] == "SoL" and r["beslutsdatum"] == "2025-10-01" for r in rader)
    assert "Hemligt" not in text and "Namnsson" not in text and "19400101-D302" not in text
    # Den andra nämndens samordnare ser bara sin egen rapport, i listan och i filen.
    assert [r["antal"] for r in queries.individrapporter_per_kvartal(cast.sofia)] == [1]
    andra = logga_in(cast.sofia).get(url).content.decode("utf-8-sig")
    assert "19400101-D302" in andra and "19500517-B224" not in andra


def test_roles_outside_follow_up_see_no_reports(logga_in, cast, rapporter):
    for vem in ("pia", "erik", "lars"):
        assert queries.individrapporter_per_kvartal(getattr(cast, vem)) == []
    assert 'id="individrapporter"' not in logga_in(cast.erik).get(SIDA).content.decode()


def test_pseudonym_in_the_wrong_form_is_flagged(org, cast):
    _beslut(org, org.n1, "Greta Gran", orsak="x")
    services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=1)
    assert queries.individrapporter_per_kvartal(cast.kim)[0]["fel_pseudonym"] == 1


def test_page_query_count_does_not_grow_with_quarters(org, cast, logga_in, django_assert_max_num_queries):
    _beslut(org, org.n1, "19500517-B224", orsak="Ingen ledig plats")
    klient = logga_in(cast.kim)
    services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=1)
    with django_assert_max_num_queries(20) as ett:
        assert klient.get(SIDA).status_code == 200
    for kvartal in (2, 3, 4):
        services.individrapporter_skapa(user=cast.kim, namnd=org.n1, ar=2026, kvartal=kvartal)
    with django_assert_max_num_queries(len(ett.captured_queries)):
        sida = klient.get(SIDA).content.decode()
    assert sida.count("individrapporter.csv?ar=2026") == 4
