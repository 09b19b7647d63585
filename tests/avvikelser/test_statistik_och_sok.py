"""Statistik per område och tid till avslut, datumfilter per hela dygn, sökning av enskild i rapportformuläret
och kommunens val om anonym rapportering."""

import datetime

from django.urls import reverse
from django.utils import timezone

from avvikelser import queries
from avvikelser.models import Avvikelse
from kvalitet.models import Atkomstlogg
from tests.avvikelser.test_avvikelser import _rapportera


def _idag_intervall():
    idag = timezone.localdate()
    return idag - datetime.timedelta(days=30), idag


def test_counts_per_area_equal_independent_count(org, cast):
    for enhet, n in [(org.e1, 3), (org.e2, 2), (org.e3, 4), (org.e4, 5)]:
        for _ in range(n):
            _rapportera(cast.pia, enhet)
    fran, till = _idag_intervall()
    rader = queries.antal_per_omrade(cast.kim, org.n1, fran, till)
    forvantat = {
        omrade.namn: Avvikelse.objects.filter(enhet__forelder=omrade).count() for omrade in (org.a1, org.a2)
    }
    assert (
        {r["enhet__forelder__namn"]: r["antal"] for r in rader}
        == forvantat
        == {"Område A1": 5, "Område A2": 4}
    )
    # Elsa (chef E3) ser bara sitt område, även om hon frågar om hela nämnden.
    assert [
        (r["enhet__forelder__namn"], r["antal"])
        for r in queries.antal_per_omrade(cast.elsa, org.n1, fran, till)
    ] == [("Område A2", 4)]


def test_time_to_close_median_and_mean_in_days(org, cast):
    nu = timezone.now()
    for dagar in (2, 4, 9):
        a = _rapportera(cast.pia, org.e1)
        Avvikelse.objects.filter(pk=a.pk).update(
            status="avslutad",
            rapporterad=nu - datetime.timedelta(days=10),
            avslutad=nu - datetime.timedelta(days=10 - dagar),
        )
    _rapportera(cast.pia, org.e1)  # öppen: räknas inte
    _rapportera(cast.pia, org.e4)  # annan nämnd
    fran, till = _idag_intervall()
    assert queries.tid_till_avslut(cast.kim, org.n1, fran, till) == {"antal": 3, "median": 4.0, "medel": 5.0}
    assert queries.tid_till_avslut(cast.elsa, org.n1, fran, till)["antal"] == 0


def test_statistics_page_shows_areas_shares_and_time_to_close(org, cast, logga_in):
    for enhet in (org.e1, org.e1, org.e3):
        _rapportera(cast.pia, enhet)
    html = logga_in(cast.kim).get(reverse("avvikelser:statistik"), {"nod": org.n1.pk}).content.decode()
    assert 'Område A1</td><td>2</td><td class="text-nowrap">66.7 %' in html.replace("66,7", "66.7")
    assert "Inga avslutade avvikelser" in html


def test_queue_date_filter_includes_the_whole_last_day(org, cast, logga_in):
    idag = timezone.localdate()
    sent = timezone.make_aware(
        datetime.datetime.combine(idag - datetime.timedelta(days=1), datetime.time(23, 30))
    )
    a = _rapportera(cast.pia, org.e1, handelsetid=sent)
    klient = logga_in(cast.erik)
    igar = (idag - datetime.timedelta(days=1)).isoformat()
    forrgar = (idag - datetime.timedelta(days=2)).isoformat()
    assert (
        a.referensnummer
        in klient.get(reverse("avvikelser:index"), {"fran": igar, "till": igar}).content.decode()
    )
    assert a.referensnummer not in klient.get(reverse("avvikelser:index"), {"till": forrgar}).content.decode()


def test_individual_search_respects_scope_and_protected_identity_and_is_logged(org, cast, brukare, logga_in):
    url = reverse("kvalitet:enskild_sok")
    klient = logga_in(cast.pia)

    def sok(klient, fraga):
        parametrar = {"urval": "valja", "falt": "brukare", "sammanhang": "avvikelser", "brukare__sok": fraga}
        return klient.get(url, parametrar).content.decode()

    html = sok(klient, "Greta")
    assert "Greta Gran" in html and f'value="{brukare.b1.pk}"' in html
    assert Atkomstlogg.objects.filter(
        anvandare=cast.pia, brukare=brukare.b1, vad="avvikelser: sök enskild"
    ).exists()
    # b3 bor vid en annan enhet; den skyddade hittas inte på namn av någon annan än sin handläggare.
    assert "Tore" not in sok(klient, "Tore")
    assert "Ingen träff" in sok(klient, "Hemlig")
    assert "Hemlig Person" in sok(logga_in(cast.hanna), "Hemlig")


def test_report_form_has_live_search_wired_to_the_individual_list(org, cast, logga_in):
    html = logga_in(cast.pia).get(reverse("avvikelser:rapportera")).content.decode()
    assert f'hx-get="{reverse("kvalitet:enskild_sok")}"' in html and 'hx-target="#id_brukare_traffar"' in html
    assert html.index('id="id_brukare_sok"') < html.index('id="id_brukare_traffar"')


def test_municipality_can_turn_off_anonymous_reporting(org, cast, logga_in, settings):
    from tests.avvikelser.factories import KategoriFactory

    kategori = KategoriFactory(namn="Omsorg")
    data = {
        "enhet": org.e1.pk,
        "handelsetid": "2026-01-10T08:30",
        "lag": "SoL",
        "kategori": kategori.pk,
        "beskrivning": "Besöket kl 8 blev inte av.",
        "anonym": "on",
    }
    klient = logga_in(cast.pia)
    settings.AVVIKELSER_ANONYM_TILLATEN = True
    assert 'name="anonym"' in klient.get(reverse("avvikelser:rapportera")).content.decode()
    klient.post(reverse("avvikelser:rapportera"), data)
    settings.AVVIKELSER_ANONYM_TILLATEN = False
    assert 'name="anonym"' not in klient.get(reverse("avvikelser:rapportera")).content.decode()
    klient.post(reverse("avvikelser:rapportera"), data)
    assert list(Avvikelse.objects.order_by("pk").values_list("anonym", flat=True)) == [True, False]


def test_statistics_count_only_the_units_one_oversees_not_ones_own_reports(org, cast):
    # Erik (chef för E1) har själv rapporterat en avvikelse vid E3: han läser den, men den ingår inte i
    # statistiken, som gäller noderna han ansvarar för och är densamma vem som än tittar.
    _rapportera(cast.pia, org.e1)
    egen = _rapportera(cast.erik, org.e3)
    fran, till = _idag_intervall()
    assert Avvikelse.objects.for_user(cast.erik).filter(pk=egen.pk).exists()
    assert queries.periodstatistik(cast.erik, org.k, fran, till).totalt == 1
    assert queries.periodstatistik(cast.kim, org.n1, fran, till).totalt == 2
    assert queries.periodstatistik(cast.pia, org.k, fran, till).totalt == 0


def test_management_reads_statistics_for_the_whole_municipality_but_no_records(org, cast, brukare, logga_in):
    # Ledningen läser sammanställningar men inga personuppgifter (rolltabellen i DESIGN.md).
    for enhet in (org.e1, org.e3, org.e4):
        _rapportera(cast.pia, enhet, brukare=brukare.b1)
    fran, till = _idag_intervall()
    assert queries.periodstatistik(cast.lars, org.k, fran, till).totalt == 3
    assert queries.periodstatistik(cast.lars, org.n2, fran, till).totalt == 1
    assert not Avvikelse.objects.for_user(cast.lars).exists()

    klient = logga_in(cast.lars)
    svar = klient.get(reverse("avvikelser:statistik"))
    html = svar.content.decode()
    assert svar.status_code == 200
    assert 'href="/avvikelser/statistik/"' in html  # i menyn
    assert "Kommun K" in html and "Enhet E4" in html
    assert "1 enskilda." in html  # Greta vid tre enheter: bara antalet visas
    assert brukare.b1.efternamn not in html and brukare.b1.personnummer not in html
    assert not Atkomstlogg.objects.filter(anvandare=cast.lars).exists()
    # Kön och detaljsidan är stängda; exporten har bara rubrikraden.
    assert klient.get(reverse("avvikelser:index")).url == reverse("avvikelser:mina")
    from io import BytesIO

    from openpyxl import load_workbook

    export = klient.get(reverse("avvikelser:export"))
    assert (
        len(list(load_workbook(BytesIO(export.getvalue())).active.iter_rows(values_only=True))) == 1
    )  # rubriker
    a = Avvikelse.objects.first()
    assert klient.get(reverse("avvikelser:detalj", args=[a.pk])).status_code == 404


def test_statistics_index_covers_the_grouped_columns(db, postgres):
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'avvikelse_enhet_handelsetid'")
        (definition,) = c.fetchone()
    assert "INCLUDE (id, kategori_id, brukare_id, rapporterad, avslutad)" in definition


def test_areas_with_the_same_name_in_two_committees_are_told_apart(org, cast):
    from kvalitet.models import NodTyp
    from tests.factories import OrgNodFactory

    # Varje nämnd har sin äldreomsorg: i hela kommunens tabell står nämnden inom parentes.
    namne = OrgNodFactory(typ=NodTyp.VERKSAMHETSOMRADE, namn="Område A1", kod="A1B", forelder=org.n2)
    enhet = OrgNodFactory(typ=NodTyp.ENHET, namn="Enhet E5", kod="E5", forelder=namne, antal_platser=10)
    for e in (org.e1, org.e1, enhet, org.e3):
        _rapportera(cast.pia, e)
    fran, till = _idag_intervall()
    kommunen = {
        r["enhet__forelder__namn"]: r["antal"] for r in queries.antal_per_omrade(cast.lars, org.k, fran, till)
    }
    assert kommunen == {"Område A1 (Nämnd N1)": 2, "Område A1 (Nämnd N2)": 1, "Område A2": 1}
    namnden = {
        r["enhet__forelder__namn"]: r["antal"] for r in queries.antal_per_omrade(cast.kim, org.n1, fran, till)
    }
    assert namnden == {"Område A1": 2, "Område A2": 1}
