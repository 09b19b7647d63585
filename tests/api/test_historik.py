"""Historik via API:t: avvikelser och klagomål med datum i tidigare år, validerade av webbens formulär."""

import datetime

import pytest
from django.utils import timezone

from avvikelser.models import Avvikelse, AvvikelseStatus, Handelse, Klagomal, KlagomalStatus
from avvikelser.queries import fyra_ar_per_kategori, klagomal_per_tema
from avvikelser.services import HISTORIK_TEXT
from kvalitet.models import Bevakning
from rapporter.queries import klagomal_per_ar
from tests.avvikelser.factories import AvvikelseFactory, KategoriFactory

pytestmark = pytest.mark.django_db

AVV = "/api/v1/avvikelser/"
KLAG = "/api/v1/klagomal/"


def _tid(ar, manad, dag, timme=10):
    return timezone.make_aware(datetime.datetime(ar, manad, dag, timme, 0)).isoformat()


@pytest.fixture
def kat(db):
    return KategoriFactory(namn="Utebliven insats")


def _avvikelse(org, kat, **kw):
    data = {
        "enhet": org.e1.pk,
        "handelsetid": _tid(2022, 3, 1),
        "lag": "SoL",
        "kategori": kat.pk,
        "beskrivning": "Besöket blev inte av.",
    }
    data.update(kw)
    return data


def _bevakningar(avvikelse_pk):
    return Bevakning.objects.filter(nyckel__startswith=f"avvikelse:{avvikelse_pk}:")


def test_closed_2022_deviation_counts_in_the_four_year_overview_without_reminders(api, org, cast, kat):
    svar = api(cast.erik).post(
        AVV,
        _avvikelse(
            org,
            kat,
            rapporterad=_tid(2022, 3, 2),
            avslutad=_tid(2022, 4, 1),
            slutsats="Rutinen för planering ändrades.",
        ),
        format="json",
    )
    assert svar.status_code == 201, svar.content
    a = Avvikelse.objects.get(pk=svar.json()["id"])
    assert a.status == AvvikelseStatus.AVSLUTAD and a.rapporterad_av == cast.erik
    assert timezone.localtime(a.rapporterad).date() == datetime.date(2022, 3, 2)
    assert timezone.localtime(a.avslutad).date() == datetime.date(2022, 4, 1)
    assert a.slutsats == "Rutinen för planering ändrades."
    texter = list(a.handelser.values_list("text", flat=True))
    assert len(texter) == 2 and all(t.startswith(HISTORIK_TEXT) for t in texter)
    assert a.history.first().history_change_reason == HISTORIK_TEXT
    assert not _bevakningar(a.pk).exists()
    # En avvikelse 2023 som inte är avslutad; den ska inte räknas för 2022.
    AvvikelseFactory(
        enhet=org.e1,
        kategori=kat,
        rapporterad_av=cast.pia,
        handelsetid=timezone.make_aware(datetime.datetime(2023, 1, 5)),
    )

    rader = {r["kategori"]: r["ar"] for r in fyra_ar_per_kategori(cast.kim, org.n1, 2025)}
    oberoende = Avvikelse.objects.filter(
        enhet__sokvag__startswith=org.n1.sokvag, kategori=kat, handelsetid__year=2022
    ).count()
    assert rader["Utebliven insats"][2022] == oberoende == 1
    assert rader["Utebliven insats"][2023] == 1


def test_open_historical_deviation_goes_through_the_normal_report_with_reminders(api, org, cast, kat):
    svar = api(cast.pia).post(AVV, _avvikelse(org, kat, rapporterad=_tid(2022, 3, 2)), format="json")
    assert svar.status_code == 201, svar.content
    a = Avvikelse.objects.get(pk=svar.json()["id"])
    assert a.status == AvvikelseStatus.RAPPORTERAD
    assert timezone.localtime(a.rapporterad).date() == datetime.date(2022, 3, 2)
    paminnelse = _bevakningar(a.pk).get(nyckel=f"avvikelse:{a.pk}:ej_paborjad")
    assert paminnelse.mottagare == cast.erik and paminnelse.forfaller < timezone.now()
    assert a.handelser.filter(text__startswith=HISTORIK_TEXT).exists()


def test_plain_report_without_history_fields_works_like_the_web(api, org, cast, kat):
    data = _avvikelse(org, kat, handelsetid=(timezone.now() - datetime.timedelta(hours=1)).isoformat())
    svar = api(cast.pia).post(AVV, data, format="json")
    assert svar.status_code == 201, svar.content
    a = Avvikelse.objects.get()
    assert a.status == AvvikelseStatus.RAPPORTERAD and a.referensnummer.startswith("AV-")
    assert list(a.handelser.values_list("text", flat=True)) == ["Avvikelsen rapporterades."]
    assert _bevakningar(a.pk).count() == 2


def _framtid(dagar=2):
    return (timezone.now() + datetime.timedelta(days=dagar)).isoformat()


@pytest.mark.parametrize(
    ("andra", "falt", "meddelande"),
    [
        ({"handelsetid": "FRAMTID"}, "handelsetid", "Tidpunkten kan inte ligga i framtiden."),
        ({"rapporterad": "FRAMTID"}, "rapporterad", "Tidpunkten kan inte ligga i framtiden."),
        (
            {"rapporterad": _tid(2022, 2, 1)},
            "rapporterad",
            "Avvikelsen kan inte ha rapporterats innan den hände.",
        ),
        (
            {"rapporterad": _tid(2022, 3, 5), "avslutad": _tid(2022, 3, 4), "slutsats": "Klar."},
            "avslutad",
            "Avslutad måste ligga efter rapporterad.",
        ),
        (
            {"rapporterad": _tid(2022, 3, 5), "avslutad": _tid(2022, 4, 4)},
            "slutsats",
            "Skriv en slutsats när avvikelsen registreras som avslutad.",
        ),
        (
            {"avslutad": _tid(2022, 4, 4), "slutsats": "   "},
            "slutsats",
            "Skriv en slutsats när avvikelsen registreras som avslutad.",
        ),
        ({"enhet": "E4"}, "enhet", "Välj ett giltigt alternativ"),
        ({"beskrivning": "x"}, "beskrivning", "Beskriv kort vad som hände."),
    ],
)
def test_invalid_history_gives_swedish_field_errors_and_writes_nothing(
    api, org, cast, kat, andra, falt, meddelande
):
    andra = {k: (_framtid() if v == "FRAMTID" else org.e4.pk if v == "E4" else v) for k, v in andra.items()}
    svar = api(cast.erik).post(AVV, _avvikelse(org, kat, **andra), format="json")
    assert svar.status_code == 400, svar.content
    fel = svar.json()
    assert falt in fel and any(meddelande in m for m in fel[falt]), fel
    assert not Avvikelse.objects.exists() and not Handelse.objects.exists()
    assert not Bevakning.objects.exists()


def test_retired_category_is_not_offered_for_a_new_report(api, org, cast):
    gammal = KategoriFactory(namn="Gammal", aktiv=False)
    svar = api(cast.erik).post(AVV, _avvikelse(org, gammal), format="json")
    assert svar.status_code == 400 and "kategori" in svar.json()
    assert not Avvikelse.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"enhet": "abc"},
        {"enhet": 2**40},
        {"handelsetid": "igår"},
        {"handelsetid": "0001-01-01T00:00:00+14:00"},
        {"avslutad": "9999-12-31T23:59:59-12:00", "slutsats": "x"},
        {"brukare": -1},
        {"lag": "XYZ"},
        {"beskrivning": "med \x00 nolltecken"},
    ],
)
def test_bad_input_is_400_not_500(api, org, cast, kat, data):
    svar = api(cast.erik).post(AVV, _avvikelse(org, kat, **data), format="json")
    assert svar.status_code == 400, svar.content
    assert not Avvikelse.objects.exists()


@pytest.mark.parametrize("url", [AVV, KLAG])
def test_token_user_without_reporting_rights_is_refused_and_nothing_is_written(api, org, cast, kat, url):
    data = _avvikelse(org, kat) if url == AVV else {"enhet": org.e1.pk, "anonym": True, "beskrivning": "x"}
    svar = api(cast.utan).post(url, data, format="json")
    assert svar.status_code in (403, 404)
    assert not Avvikelse.objects.exists() and not Klagomal.objects.exists()


def test_revoked_token_cannot_write(api, org, cast, kat):
    klient = api(cast.erik)
    cast.erik.auth_token_set.all().delete()
    assert klient.post(AVV, _avvikelse(org, kat), format="json").status_code == 401
    assert not Avvikelse.objects.exists()


# --- klagomål ----------------------------------------------------------------------------------------


def _klagomal(org, **kw):
    data = {
        "enhet": org.e1.pk,
        "typ": "klagomal",
        "avsandartyp": "anhorig",
        "namn": "Anna",
        "beskrivning": "Maten var kall.",
    }
    data.update(kw)
    return data


def test_closed_historical_complaint_with_theme_counts_in_2022_without_reminder(api, org, cast):
    tema = KategoriFactory(namn="Bemötande")
    svar = api(cast.erik).post(
        KLAG,
        _klagomal(
            org,
            tema=tema.pk,
            inkommet=_tid(2022, 5, 2),
            avslutat=_tid(2022, 5, 20),
            aterkoppling_datum="2022-05-19",
            aterkoppling_hur="Telefonsamtal",
        ),
        format="json",
    )
    assert svar.status_code == 201, svar.content
    assert svar.json()["tema"] == tema.pk
    k = Klagomal.objects.get()
    assert k.status == KlagomalStatus.AVSLUTAT and k.tema == tema and k.registrerad_av == cast.erik
    assert timezone.localtime(k.inkommet).year == 2022 and k.aterkoppling_hur == "Telefonsamtal"
    assert k.history.first().history_change_reason == HISTORIK_TEXT
    assert not Bevakning.objects.filter(nyckel__startswith=f"klagomal:{k.pk}:").exists()
    assert klagomal_per_ar(cast.kim, org.n1, [2022, 2023]) == {2022: 1, 2023: 0}
    rader = klagomal_per_tema(cast.kim, org.n1, datetime.date(2022, 1, 1), datetime.date(2022, 12, 31))
    assert rader == [{"tema": "Bemötande", "antal": 1, "andel": 100.0}]


def test_open_complaint_via_api_gets_the_feedback_reminder(api, org, cast):
    svar = api(cast.pia).post(KLAG, _klagomal(org), format="json")
    assert svar.status_code == 201, svar.content
    k = Klagomal.objects.get()
    assert k.status == KlagomalStatus.MOTTAGET and k.tema is None and not k.via_e_tjanst
    assert Bevakning.objects.filter(nyckel=f"klagomal:{k.pk}:aterkoppling").exists()


@pytest.mark.parametrize(
    ("andra", "falt", "meddelande"),
    [
        ({"inkommet": "FRAMTID"}, "inkommet", "Tidpunkten kan inte ligga i framtiden."),
        (
            {"inkommet": _tid(2022, 5, 2), "avslutat": _tid(2022, 5, 20)},
            "non_field_errors",
            "Ange datum och hur återkoppling gavs",
        ),
        (
            {
                "inkommet": _tid(2022, 5, 2),
                "avslutat": _tid(2022, 5, 1),
                "aterkoppling_datum": "2022-05-03",
                "aterkoppling_hur": "Brev",
            },
            "avslutat",
            "Avslutat måste ligga efter inkommet.",
        ),
        ({"avslutat": _tid(2022, 5, 20), "anonym": True}, "inkommet", "Ange när ärendet kom in"),
        ({"namn": ""}, "namn", "Ange avsändarens namn"),
        ({"enhet": "E4"}, "enhet", "Välj ett giltigt alternativ"),
        ({"tema": "PENSIONERAD"}, "tema", "Välj ett giltigt alternativ"),
        ({"typ": "okand"}, "typ", "Välj ett giltigt alternativ"),
    ],
)
def test_invalid_complaint_gives_swedish_errors_and_writes_nothing(api, org, cast, andra, falt, meddelande):
    pensionerad = KategoriFactory(namn="Pensionerad", aktiv=False)
    ersatt = {"FRAMTID": _framtid(), "E4": org.e4.pk, "PENSIONERAD": pensionerad.pk}
    andra = {k: ersatt.get(v, v) if isinstance(v, str) else v for k, v in andra.items()}
    svar = api(cast.erik).post(KLAG, _klagomal(org, **andra), format="json")
    assert svar.status_code == 400, svar.content
    fel = svar.json()
    assert falt in fel and any(meddelande in m for m in fel[falt]), fel
    assert not Klagomal.objects.exists() and not Bevakning.objects.exists()
