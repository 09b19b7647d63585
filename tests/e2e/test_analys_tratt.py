"""Analyssidorna i riktig webbläsare: trattdiagrammet och Pareto, nämnderna sida vid sida och statistiksidan
med orsaker och tysta enheter, utan allvarliga tillgänglighetsbrister (axe), på dator och telefon."""

import datetime

import pytest
from django.utils import timezone

from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory, OrsakFactory
from tests.e2e.conftest import axe_fel, forklara
from tests.factories import InsatsFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def analysdata(org, cast):
    kategori, orsak = KategoriFactory(namn="Utebliven insats"), OrsakFactory(namn="Bemanning")
    start = timezone.localdate() - datetime.timedelta(days=800)
    for enhet, namnd in ((org.e1, org.n1), (org.e3, org.n1), (org.e4, org.n2)):
        for _ in range(5):
            InsatsFactory(brukare__namnd=namnd, enhet=enhet, beslutsdatum=start, startdatum=start)
    forra = timezone.localdate().replace(day=1) - datetime.timedelta(days=20)
    for i in range(6):
        a = AvvikelseFactory(
            enhet=org.e1 if i % 2 else org.e4,
            rapporterad_av=cast.pia,
            kategori=kategori,
            handelsetid=timezone.make_aware(datetime.datetime.combine(forra, datetime.time(12))),
        )
        a.orsaker.add(orsak)
    return org


@pytest.mark.parametrize("mobil", [False, True], ids=["dator", "telefon"])
@pytest.mark.parametrize(
    "sokvag,vem,rubrik",
    [
        ("/avvikelser/tratt/", "kim", "Trattdiagram: avvikelser per enhet"),
        ("/avvikelser/tratt/", "erik", "Trattdiagram: avvikelser per enhet"),
        ("/avvikelser/namnder/", "lars", "Trattdiagram: avvikelser per nämnd"),
        ("/avvikelser/statistik/", "kim", "Orsaker i utredningarna"),
    ],
)
def test_analysis_pages_have_no_serious_accessibility_violations(
    ny_sida, server, cast, analysdata, sokvag, vem, rubrik, mobil
):
    sida = ny_sida(getattr(cast, vem), mobil=mobil)
    sida.goto(f"{server}{sokvag}")
    assert sida.locator("figcaption", has_text=rubrik).first.is_visible()
    assert sida.locator("svg[role='img']").count() >= 1
    # Sidan ryms i bredd (breda tabeller rullar i sin egen ruta).
    assert sida.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    fel = axe_fel(sida)
    assert fel == [], forklara(fel)
