"""Tema på klagomål och synpunkter: sätts av personalen, inte i e-tjänsten; pensionerade teman erbjuds inte
men finns kvar på gamla ärenden och räknas; statistiken per tema mot en oberoende räkning."""

import datetime
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from avvikelser import queries, services
from avvikelser.forms import KlagomalForm, KlagomalOppetForm, KlagomalTemaForm
from avvikelser.models import Klagomal
from tests.avvikelser.factories import KategoriFactory, KlagomalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teman(db):
    return {
        "bemotande": KategoriFactory(namn="Bemötande"),
        "info": KategoriFactory(namn="Information"),
        "gammalt": KategoriFactory(namn="Måltider", aktiv=False),
    }


def _intervall():
    idag = timezone.localdate()
    return idag - datetime.timedelta(days=30), idag


def test_public_form_does_not_ask_for_a_theme():
    assert "tema" not in KlagomalOppetForm().fields


def test_staff_form_offers_active_themes_and_only_own_units(org, cast, teman):
    form = KlagomalForm(user=cast.erik)
    assert set(form.fields["tema"].queryset) == {teman["bemotande"], teman["info"]}
    assert not form.fields["tema"].required
    assert list(form.fields["enhet"].queryset) == [org.e1]


def test_staff_registers_complaint_with_theme(org, cast, teman, logga_in):
    svar = logga_in(cast.erik).post(
        reverse("avvikelser:klagomal_ny"),
        {
            "enhet": org.e1.pk,
            "typ": "klagomal",
            "avsandartyp": "anhorig",
            "namn": "Anna",
            "beskrivning": "Otrevligt bemötande",
            "tema": teman["bemotande"].pk,
        },
    )
    assert svar.status_code == 302
    assert Klagomal.objects.get().tema == teman["bemotande"]


def test_retired_theme_is_refused_in_registration(org, cast, teman, logga_in):
    svar = logga_in(cast.erik).post(
        reverse("avvikelser:klagomal_ny"),
        {"enhet": org.e1.pk, "typ": "klagomal", "avsandartyp": "enskild", "anonym": "on", "beskrivning": "x"}
        | {"tema": teman["gammalt"].pk},
    )
    assert svar.status_code == 200 and not Klagomal.objects.exists()
    assert "Välj ett giltigt alternativ" in svar.content.decode()


def test_manager_sets_theme_when_handling_and_history_has_the_author(org, cast, teman, logga_in):
    k = services.klagomal_registrera(klagomal=Klagomal(enhet=org.e1, beskrivning="x", namn="Anna"), av=None)
    klient = logga_in(cast.erik)
    html = klient.get(reverse("avvikelser:klagomal_detalj", args=[k.pk])).content.decode()
    assert "Ej angivet" in html and reverse("avvikelser:klagomal_tema", args=[k.pk]) in html
    svar = klient.post(
        reverse("avvikelser:klagomal_tema", args=[k.pk]), {"tema": teman["info"].pk, "version": "0"}
    )
    assert svar.status_code == 302
    k.refresh_from_db()
    assert k.tema == teman["info"]
    assert k.history.first().history_user == cast.erik
    # Ett pensionerat tema går inte att välja; utan behörighet att ändra: 404.
    fel = klient.post(
        reverse("avvikelser:klagomal_tema", args=[k.pk]), {"tema": teman["gammalt"].pk, "version": "1"}
    )
    assert fel.status_code == 400
    assert (
        logga_in(cast.kim)
        .post(reverse("avvikelser:klagomal_tema", args=[k.pk]), {"tema": "", "version": "1"})
        .status_code
        == 404
    )
    k.refresh_from_db()
    assert k.tema == teman["info"]


def test_retired_theme_stays_on_old_records_is_kept_on_save_and_is_counted(org, cast, teman):
    gammal = KlagomalFactory(enhet=org.e1, tema=teman["gammalt"])
    form = KlagomalTemaForm(instance=gammal)
    assert teman["gammalt"] in form.fields["tema"].queryset  # det som står kvar kan sparas oförändrat
    form = KlagomalTemaForm({"tema": teman["gammalt"].pk, "version": "0"}, instance=gammal)
    assert form.is_valid(), form.errors
    services.klagomal_satt_tema(
        klagomal=gammal, tema=form.cleaned_data["tema"], av=cast.erik, version=form.cleaned_data["version"]
    )
    gammal.refresh_from_db()
    assert gammal.tema == teman["gammalt"]
    rader = queries.klagomal_per_tema(cast.kim, org.n1, *_intervall())
    assert rader == [{"tema": "Måltider", "antal": 1, "andel": 100.0}]


def test_counts_per_theme_equal_an_independent_count(org, cast, teman):
    plan = [
        (org.e1, "bemotande"),
        (org.e1, "bemotande"),
        (org.e3, "bemotande"),
        (org.e1, "info"),
        (org.e2, "gammalt"),
        (org.e1, None),
        (org.e3, None),
        (org.e4, "info"),  # annan nämnd
    ]
    for enhet, tema in plan:
        KlagomalFactory(enhet=enhet, tema=teman[tema] if tema else None)
    KlagomalFactory(enhet=org.e1, tema=teman["info"], inkommet=timezone.now() - datetime.timedelta(days=90))
    fran, till = _intervall()
    rader = queries.klagomal_per_tema(cast.kim, org.n1, fran, till)
    forvantat = Counter(
        k.tema.namn if k.tema else "Ej angivet"
        for k in Klagomal.objects.filter(
            enhet__in=[org.e1, org.e2, org.e3], inkommet__date__gte=fran, inkommet__date__lte=till
        ).select_related("tema")
    )
    assert {r["tema"]: r["antal"] for r in rader} == dict(forvantat)
    assert forvantat == {"Bemötande": 3, "Information": 1, "Måltider": 1, "Ej angivet": 2}
    assert rader[0] == {"tema": "Bemötande", "antal": 3, "andel": 42.9}
    # Elsa (chef E3) ser bara sin enhet; ledningen antalen för hela kommunen.
    assert {r["tema"]: r["antal"] for r in queries.klagomal_per_tema(cast.elsa, org.n1, fran, till)} == {
        "Bemötande": 1,
        "Ej angivet": 1,
    }
    hela_kommunen = Counter(
        k.tema.namn if k.tema else "Ej angivet"
        for k in Klagomal.objects.filter(inkommet__date__gte=fran, inkommet__date__lte=till).select_related(
            "tema"
        )
    )
    assert {r["tema"]: r["antal"] for r in queries.klagomal_per_tema(cast.lars, org.k, fran, till)} == dict(
        hela_kommunen
    )
    assert hela_kommunen != forvantat


def test_statistics_page_shows_complaints_per_theme(org, cast, teman, logga_in):
    KlagomalFactory(enhet=org.e1, tema=teman["bemotande"])
    KlagomalFactory(enhet=org.e1, tema=None)
    html = logga_in(cast.kim).get(reverse("avvikelser:statistik"), {"nod": org.n1.pk}).content.decode()
    assert 'id="klagomal-per-tema"' in html
    assert "Bemötande" in html and "Ej angivet" in html and "50,0 %" in html
