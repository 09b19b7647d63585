"""Styrdiagrammen (avvikelser/styrdiagram.py): u-diagrammets mittlinje och gränser mot handräknade värden,
c-diagram där volym saknas, varje signalregel precis vid gränsen (ska och ska inte slå till), antal och
volym mot oberoende räkningar, åtkomst per roll och sidornas antal frågor."""

import datetime
import math

import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from avvikelser import styrdiagram as spc
from avvikelser.models import Avvikelse
from tests.avvikelser.factories import AvvikelseFactory
from tests.factories import InsatsFactory

IDAG = datetime.date(2026, 1, 10)
MANADER = spc.manader(IDAG)  # jan 2024 … dec 2025


def _serie(varden):
    return pd.Series(varden, index=range(len(varden)), dtype=float)


def _regler(varden, medel=10.0, ovre=20.0, nedre=0.0):
    v = _serie(varden)
    return spc.signalregler(v, medel, pd.Series(ovre, index=v.index), pd.Series(nedre, index=v.index))


# --- beräkningen, handräknad ---------------------------------------------------------------------


def test_window_is_the_24_last_whole_months():
    assert MANADER[0] == datetime.date(2024, 1, 1) and MANADER[-1] == datetime.date(2025, 12, 1)
    assert len(MANADER) == 24


def test_u_chart_centre_and_limits_per_month_from_that_months_volume():
    # Basperiod: 12 månader med 4 avvikelser och 200 insatser (n = 2): ū = 48 / 24 = 2 per 100.
    antal = _serie([4] * 12 + [0, 10, 11, 6])
    volym = _serie([200] * 12 + [200, 200, 200, 400])
    r = spc.berakna(antal, volym)
    assert r["typ"] == "u"
    assert r["medel"] == pytest.approx(2.0)
    # n = 2: UCL = 2 + 3·√(2/2) = 5, LCL = max(0, 2 − 3) = 0; n = 4: UCL = 2 + 3·√0,5.
    assert r["ovre"][0] == pytest.approx(5.0) and r["nedre"][0] == 0
    assert r["ovre"][15] == pytest.approx(2 + 3 * math.sqrt(0.5))
    assert list(r["varden"][12:]) == [0.0, 5.0, 5.5, 1.5]  # en månad med noll avvikelser är 0, inte ett glapp
    # Exakt på övre gränsen (10 avvikelser = 5,0) är ingen signal; 11 (5,5) är det.
    assert spc.UTANFOR not in r["signaler"][13]
    assert spc.UTANFOR in r["signaler"][14]
    assert spc.UTANFOR not in r["signaler"][15]


def test_u_chart_lower_limit_above_zero_flags_a_silent_month():
    # ū = 10 per 100 med n = 10 (1000 insatser): LCL = 10 − 3·√1 = 7; 69 avvikelser (6,9) är under.
    antal = _serie([100] * 12 + [70, 69])
    volym = _serie([1000] * 14)
    r = spc.berakna(antal, volym)
    assert r["nedre"][12] == pytest.approx(7.0)
    assert spc.UTANFOR not in r["signaler"][12]  # 7,0: på gränsen
    assert spc.UTANFOR in r["signaler"][13]


def test_month_without_volume_in_a_u_chart_is_a_gap_without_signal():
    antal = _serie([2] * 12 + [9])
    volym = _serie([100] * 12 + [0])
    r = spc.berakna(antal, volym)
    assert r["typ"] == "u" and math.isnan(r["varden"][12]) and math.isnan(r["ovre"][12])
    assert r["signaler"][12] == []


def test_unit_without_volume_gets_a_c_chart_on_counts():
    # c̄ = 4: UCL = 4 + 3·2 = 10, LCL = max(0, 4 − 6) = 0.
    antal = _serie([4] * 12 + [10, 11])
    r = spc.berakna(antal, _serie([0] * 14))
    assert r["typ"] == "c"
    assert r["medel"] == 4 and r["ovre"][0] == 10 and r["nedre"][0] == 0
    assert spc.UTANFOR not in r["signaler"][12] and spc.UTANFOR in r["signaler"][13]


def test_all_zero_renders_without_signal():
    r = spc.berakna(_serie([0] * 24), _serie([0] * 24))
    assert r["medel"] == 0 and all(s == [] for s in r["signaler"])


# --- signalreglerna vid gränsen -------------------------------------------------------------------


def test_run_of_eight_above_fires_seven_does_not():
    sju = _regler([5, 11, 12, 11, 13, 11, 12, 11, 5])
    assert not any(spc.SERIE_OVER in s for s in sju)
    atta = _regler([5, 11, 12, 11, 13, 11, 12, 11, 12, 5])
    assert [spc.SERIE_OVER in s for s in atta] == [False] + [True] * 8 + [False]


def test_run_of_eight_below_and_a_point_on_the_centre_breaks_the_run():
    assert all(spc.SERIE_UNDER in s for s in _regler([9, 8, 9, 7, 9, 8, 9, 8]))
    brutet = _regler([9, 8, 9, 7, 10, 9, 8, 9, 8])  # 10 = mittlinjen
    assert not any(spc.SERIE_UNDER in s for s in brutet)


def test_six_rising_fires_five_does_not_and_equal_values_break():
    fem = _regler([14, 9, 10, 11, 12, 13, 9])
    assert not any(spc.STIGANDE in s for s in fem)
    sex = _regler([14, 9, 10, 11, 12, 13, 14, 9])
    assert [spc.STIGANDE in s for s in sex] == [False] + [True] * 6 + [False]
    lika = _regler([9, 10, 11, 11, 12, 13, 14])
    assert not any(spc.STIGANDE in s for s in lika)


def test_six_falling_fires():
    r = _regler([3, 14, 13, 12, 11, 10.5, 9])
    assert [spc.SJUNKANDE in s for s in r] == [False] + [True] * 6


def test_rules_skip_missing_points():
    r = _regler([11, 12, None, 11, 12, 11, 12, 11, 12])
    assert [spc.SERIE_OVER in s for s in r] == [True, True, False] + [True] * 6


# --- med riktiga poster --------------------------------------------------------------------------


def _tid(manad: datetime.date, dag=15):
    return timezone.make_aware(datetime.datetime.combine(manad.replace(day=dag), datetime.time(12)))


def _avvikelser(enhet, per_manad: list[int], rapportor):
    for m, n in zip(MANADER, per_manad, strict=True):
        for _ in range(n):
            AvvikelseFactory(enhet=enhet, handelsetid=_tid(m), rapporterad_av=rapportor)


@pytest.fixture
def data(org, cast):
    # E1: fyra pågående insatser hela fönstret (ū = 1 per månad / 0,04 = 25 per 100; UCL = 25 + 3·√625 = 100);
    # december 2025: 5 avvikelser = 125 per 100 → utanför gränserna.
    for _ in range(4):
        InsatsFactory(
            brukare__namnd=org.n1,
            enhet=org.e1,
            beslutsdatum=datetime.date(2023, 1, 1),
            startdatum=datetime.date(2023, 1, 1),
        )
    # En insats som slutade innan fönstret och en som börjar efter räknas inte.
    InsatsFactory(
        brukare__namnd=org.n1,
        enhet=org.e1,
        beslutsdatum=datetime.date(2022, 1, 1),
        startdatum=datetime.date(2022, 1, 1),
        slutdatum=datetime.date(2023, 12, 31),
    )
    InsatsFactory(
        brukare__namnd=org.n1,
        enhet=org.e1,
        beslutsdatum=datetime.date(2026, 1, 2),
        startdatum=datetime.date(2026, 1, 2),
    )
    _avvikelser(org.e1, [1] * 23 + [5], cast.pia)
    # E2 utan insatser (c-diagram), inga signaler: 2 per månad.
    _avvikelser(org.e2, [2] * 24, cast.pia)
    # E3 i område A2; E4 i den andra nämnden, med en signal.
    _avvikelser(org.e3, [1, 0] * 12, cast.pia)
    _avvikelser(org.e4, [0] * 23 + [9], cast.pia)
    return org


def test_counts_and_volume_equal_independent_counts(data, cast):
    diagrammen = {s.nod.namn: s for s in spc.for_noder(cast.kim, data.n1, IDAG)}
    assert set(diagrammen) == {"Nämnd N1", "Område A1", "Område A2", "Enhet E1", "Enhet E2", "Enhet E3"}
    for namn, enhet in (("Enhet E1", data.e1), ("Enhet E2", data.e2)):
        oberoende = [
            Avvikelse.objects.filter(
                enhet=enhet,
                handelsetid__gte=_tid(m, 1),
                handelsetid__lt=_tid(m, 1) + datetime.timedelta(days=31),
            )
            .filter(handelsetid__month=m.month)
            .count()
            for m in MANADER
        ]
        assert diagrammen[namn].antal == oberoende
    e1 = diagrammen["Enhet E1"]
    assert e1.volym == [4] * 24 and e1.typ == "u"
    assert e1.medel == pytest.approx(25.0)
    assert e1.ovre[-1] == pytest.approx(100.0) and e1.varden[-1] == pytest.approx(125.0)
    assert spc.UTANFOR in e1.signaler[-1] and e1.aktuella == [spc.UTANFOR]
    assert diagrammen["Enhet E2"].typ == "c" and diagrammen["Enhet E2"].aktuella == []
    # Området är summan av sina enheter (antal och volym).
    a1 = diagrammen["Område A1"]
    assert a1.antal == [3] * 23 + [7] and a1.volym == [4] * 24
    n1 = diagrammen["Nämnd N1"]
    assert n1.antal == [a + b for a, b in zip(a1.antal, diagrammen["Område A2"].antal, strict=True)]


def test_a_manager_gets_only_their_units_and_the_coordinator_the_whole_committee(data, cast):
    assert [s.nod.namn for s in spc.for_noder(cast.erik, None, IDAG)] == ["Enhet E1"]
    assert [s.nod.namn for s in spc.for_noder(cast.elsa, None, IDAG)] == ["Enhet E3"]
    # Chefen för E1 som frågar om hela nämnden får ändå bara sin enhet, med bara dess avvikelser.
    erik = spc.for_noder(cast.erik, data.n1, IDAG)
    assert [s.nod.namn for s in erik] == ["Enhet E1"] and erik[0].antal == [1] * 23 + [5]
    assert {s.nod.namn for s in spc.for_noder(cast.kim, None, IDAG)} == {
        "Nämnd N1", "Område A1", "Område A2", "Enhet E1", "Enhet E2", "Enhet E3"
    }  # fmt: skip
    assert spc.for_noder(cast.pia, None, IDAG) == [] and spc.for_noder(cast.hanna, None, IDAG) == []


def _sida(klient, **params):
    return klient.get(reverse("avvikelser:styrdiagram"), params)


@pytest.fixture
def idag_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: IDAG)


def test_coordinator_lists_current_signals_per_node_and_sees_the_chart(data, cast, logga_in, idag_2026):
    klient = logga_in(cast.kim)
    html = _sida(klient).content.decode()
    tabell = html[
        html.index('id="aktuella-signaler"') : html.index("</table>", html.index('id="aktuella-signaler"'))
    ]
    assert "Enhet E1" in tabell and "Utanför styrgränserna" in tabell
    assert "Enhet E2" not in tabell and "Enhet E4" not in tabell  # ingen signal; annan nämnd
    html = _sida(klient, nod=data.e1.pk).content.decode()
    assert "Styrdiagram: avvikelser, Enhet E1" in html and 'role="img"' in html
    assert "U-diagram (per 100 pågående insatser)" in html and "dec 2025" in html


def test_manager_sees_the_signal_on_the_statistics_page_for_their_unit(data, cast, logga_in, idag_2026):
    html = logga_in(cast.erik).get(reverse("avvikelser:statistik")).content.decode()
    avsnitt = html[
        html.index('id="styrsignaler"') : html.index("</section>", html.index('id="styrsignaler"'))
    ]
    assert "Enhet E1" in avsnitt and "Utanför styrgränserna" in avsnitt
    html = logga_in(cast.elsa).get(reverse("avvikelser:statistik")).content.decode()
    avsnitt = html[
        html.index('id="styrsignaler"') : html.index("</section>", html.index('id="styrsignaler"'))
    ]
    assert "Enhet E1" not in avsnitt and "Inga aktuella signaler" in avsnitt


def test_a_node_outside_ones_own_gives_a_swedish_message_not_the_chart(data, cast, logga_in, idag_2026):
    for nod in (data.n1.pk, data.e4.pk, "abc"):
        svar = _sida(logga_in(cast.erik), nod=nod)
        html = svar.content.decode()
        assert svar.status_code == 400
        assert "Välj en enhet, ett verksamhetsområde eller en nämnd i listan." in html
        assert "Nämnd N1" not in html.split('id="aktuella-signaler"')[1]
    assert _sida(logga_in(cast.pia)).status_code == 200
    assert "ingen behörighet" in _sida(logga_in(cast.pia)).content.decode()


def test_page_query_count_does_not_grow_with_units_or_months(
    data, cast, logga_in, idag_2026, django_assert_num_queries, org
):
    klient = logga_in(cast.kim)
    _sida(klient)  # sessionen och cachen värms
    with django_assert_num_queries(11) as fore:
        _sida(klient, nod=data.n1.pk)
    from kvalitet.models import NodTyp
    from tests.factories import OrgNodFactory

    for i in range(3):
        ny = OrgNodFactory(typ=NodTyp.ENHET, namn=f"Ny {i}", kod=f"NY{i}", forelder=org.a2)
        _avvikelser(ny, [1] * 24, cast.pia)
        InsatsFactory(
            brukare__namnd=org.n1,
            enhet=ny,
            beslutsdatum=datetime.date(2023, 1, 1),
            startdatum=datetime.date(2023, 1, 1),
        )
    with django_assert_num_queries(len(fore.captured_queries)):
        html = _sida(klient, nod=data.n1.pk).content.decode()
    assert "Ny 2" in html


def test_baseline_starts_at_the_first_month_with_a_reported_deviation():
    # Rapporteringen börjar i månad 6: månaderna före är glapp, basperioden månad 6–17 (ū = 3 / 1 = 3).
    antal = _serie([0] * 6 + [3] * 12 + [3, 3, 3, 3, 3, 12])
    r = spc.berakna(antal, _serie([100] * 24))
    assert (r["basfran"], r["bastill"]) == (6, 18)
    assert r["medel"] == pytest.approx(3.0)
    assert all(math.isnan(v) for v in r["varden"][:6]) and r["signaler"][:6] == [[]] * 6
    # UCL = 3 + 3·√3 ≈ 8,2: bara sista månaden är en signal.
    assert [i for i, s in enumerate(r["signaler"]) if s] == [23]
    # En kort serie: basperioden är det som finns.
    r = spc.berakna(_serie([0] * 20 + [1, 2, 1, 2]), _serie([0] * 24))
    assert (r["basfran"], r["bastill"]) == (20, 24) and r["medel"] == pytest.approx(1.5)


def test_the_signal_is_a_task_on_the_managers_start_page(data, cast, logga_in, idag_2026):
    html = logga_in(cast.erik).get(reverse("kvalitet:start")).content.decode()
    assert "Undersök signalen i styrdiagrammet: Enhet E1" in html and "Utanför styrgränserna" in html
    assert f"/avvikelser/styrdiagram/?nod={data.e1.pk}" in html
    html = logga_in(cast.elsa).get(reverse("kvalitet:start")).content.decode()
    assert "styrdiagrammet" not in html


def test_the_annual_report_chart_ends_with_the_last_whole_month(data, cast, idag_2026):
    from avvikelser.queries import styrdiagram_for_ar

    # Förra årets berättelse: till och med december; årets (mitt i januari): till och med förra månaden,
    # inte den pågående (dess nolla vore en falsk signal under nedre gränsen).
    assert styrdiagram_for_ar(cast.kim, data.n1, 2024)["manader"][-1] == "2024-12-01"
    sd = styrdiagram_for_ar(cast.kim, data.n1, 2026)
    assert sd["manader"][-1] == "2025-12-01" and sd["nod"] == "Nämnd N1"
    assert styrdiagram_for_ar(cast.erik, data.n1, 2025) is None  # chefen räknar inte för nämnden
