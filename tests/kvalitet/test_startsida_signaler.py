"""Styrdiagrammens signaler på kvalitetssamordnarens startsida (data och datum som i styrdiagramtesterna)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.avvikelser.test_styrdiagram import data, idag_2026  # noqa: F401 - fixturerna

pytestmark = pytest.mark.django_db


def _signaler(klient):
    return klient.get(reverse("kvalitet:start")).context["sida"].signaler


def test_coordinator_sees_the_committees_signals_with_links(data, cast, logga_in, idag_2026):  # noqa: F811
    klient = logga_in(cast.kim)
    signaler = {s.rubrik: s for s in _signaler(klient)}
    assert "Signal i styrdiagrammet: Enhet E1" in signaler
    e1 = signaler["Signal i styrdiagrammet: Enhet E1"]
    assert e1.lank == f"/avvikelser/styrdiagram/?nod={data.e1.pk}" and "Utanför styrgränserna" in e1.detalj
    assert "Signal i styrdiagrammet: Enhet E2" not in signaler
    # Sparat för dagen: andra gången räknas inga styrdiagram (ingen fråga mot månadssammanställningen).
    with CaptureQueriesContext(connection) as fragor:
        assert {s.rubrik for s in _signaler(klient)} == set(signaler)
    assert not any("manadsantal" in f["sql"] and "GROUP BY" in f["sql"] for f in fragor.captured_queries)
    cache.clear()
    assert {s.rubrik for s in _signaler(klient)} == set(signaler)


def test_signals_of_another_committee_and_for_managers_are_not_listed_here(data, cast, logga_in, idag_2026):  # noqa: F811
    assert _signaler(logga_in(cast.sofia)) == []
    # Chefen har signalerna bland uppgifterna (avvikelser.queries.styrsignaler), inte två gånger.
    assert _signaler(logga_in(cast.erik)) == []
