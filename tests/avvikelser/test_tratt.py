"""Trattdiagrammet, Pareto över orsaker, nämnderna sida vid sida och analysexporterna (avvikelser/tratt.py):
Poissongränserna mot handräknade summor och tabellvärden, flaggningen (över, tyst, saknar volym, liten
enhet flaggas inte), Paretos kumulativa andel, antal mot oberoende räkningar, åtkomst per roll, antal
frågor per sida och att Excel-filerna har samma tal som sidorna."""

import datetime
import io
import logging
import math

import openpyxl
import pandas as pd
import pytest
from django.urls import reverse
from django.utils import timezone

from avvikelser import tratt as t
from avvikelser.models import Avvikelse
from tests.avvikelser.factories import AvvikelseFactory, KlagomalFactory, OrsakFactory
from tests.factories import InsatsFactory
from tests.lexsarah.factories import RapportFactory

IDAG = datetime.date(2026, 1, 10)
AR = 2025
MANADER = t.hela_manader(datetime.date(AR, 1, 1), datetime.date(AR, 12, 31))


def _cdf(k, lam):
    """Oberoende: summan av termerna e^−λ·λ^j / j!, varje term ur den föregående (·λ/j)."""
    term, summa = math.exp(-lam), 0.0
    for j in range(k + 1):
        if j:
            term *= lam / j
        summa += term
    return summa


# --- Poissonfördelningen, handräknad -----------------------------------------------------------------


def test_poisson_cdf_equals_hand_summed_and_tabulated_values():
    for lam in (0.5, 4, 10, 33.3):
        for k in range(0, 40, 3):
            assert t.poisson_cdf(k, lam) == pytest.approx(_cdf(k, lam), rel=1e-9, abs=1e-15)
    # Tabellvärden för λ = 10: P(X ≤ 3) = 0,0103, P(X ≤ 4) = 0,0293, P(X ≤ 16) = 0,9730, P(X ≤ 17) = 0,9857.
    assert round(t.poisson_cdf(3, 10), 4) == 0.0103 and round(t.poisson_cdf(4, 10), 4) == 0.0293
    assert round(t.poisson_cdf(16, 10), 4) == 0.9730 and round(t.poisson_cdf(17, 10), 4) == 0.9857


def test_poisson_quantiles_are_the_smallest_count_reaching_the_probability():
    assert t.poisson_kvantil(0.025, 10) == 4 and t.poisson_kvantil(0.975, 10) == 17
    # λ = 4: P(X = 0) = 0,018 ≥ 0,001, P(X ≤ 10) = 0,9972 < 0,999 ≤ P(X ≤ 11) = 0,9991.
    assert t.poisson_kvantil(0.001, 4) == 0 and t.poisson_kvantil(0.999, 4) == 11
    for lam, p in ((10, 0.975), (4, 0.999), (250, 0.001)):
        r = t.poisson_kvantil(p, lam)
        assert _cdf(r, lam) >= p > _cdf(r - 1, lam)


def test_interpolated_limit_is_spiegelhalters_formula_by_hand():
    # λ = 10, p = 0,975: r = 17; gränsen = 17 − (F(17) − 0,975) / (F(17) − F(16)) ≈ 16,16.
    forvantat = 17 - (_cdf(17, 10) - 0.975) / (_cdf(17, 10) - _cdf(16, 10))
    assert t.poisson_grans(0.975, 10) == pytest.approx(forvantat, rel=1e-9)
    assert round(forvantat, 2) == 16.16
    # Liten förväntan: nedre gränsen är 0 (P(X = 0) ≥ p), så noll avvikelser flaggas inte av slumpen.
    assert t.poisson_grans(0.001, 0.5) == 0.0 and t.poisson_grans(0.001, 6.0) == 0.0
    # Stor förväntan: nära normalapproximationen λ ± z·√λ (z = 1,96 och 3,09).
    lam = 10_000
    assert t.poisson_grans(0.975, lam) == pytest.approx(lam + 1.96 * 100, abs=2)
    assert t.poisson_grans(0.001, lam) == pytest.approx(lam - 3.09 * 100, abs=3)


def test_funnel_flags_high_and_silent_units_but_not_a_small_unit_by_chance():
    df = pd.DataFrame(
        {"antal": [0, 10, 30, 2], "insatsmanader": [120, 1200, 1200, 1200]},
        index=["liten", "a", "hog", "tyst"],
    )
    r, medel = t.berakna(df, 12)
    # θ = 42 / 3720 per insatsmånad = 1,129 per 100.
    assert medel == pytest.approx(100 * 42 / 3720)
    assert list(r["volym"]) == [10, 100, 100, 100]
    assert r.loc["hog", "varde"] == pytest.approx(2.5)
    lam = 42 / 3720 * 1200
    assert r.loc["a", "ovre 99,8 %"] == pytest.approx(100 * t.poisson_grans(0.999, lam) / 1200)
    assert r.loc["a", "nedre 95 %"] == pytest.approx(100 * t.poisson_grans(0.025, lam) / 1200)
    assert dict(r["niva"]) == {"liten": "", "a": "", "hog": "over", "tyst": "under"}
    # Den lilla enheten med noll avvikelser: λ = 1,35, P(X = 0) = 0,26, så den nedre gränsen är 0.
    assert r.loc["liten", "nedre 99,8 %"] == 0


# --- med riktiga poster ---------------------------------------------------------------------------------


def _tid(manad, dag=15):
    return timezone.make_aware(datetime.datetime.combine(manad.replace(day=dag), datetime.time(12)))


def _insatser(enhet, namnd, antal):
    for _ in range(antal):
        InsatsFactory(
            brukare__namnd=namnd,
            enhet=enhet,
            beslutsdatum=datetime.date(2024, 1, 1),
            startdatum=datetime.date(2024, 1, 1),
        )


@pytest.fixture
def idag_2026(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: IDAG)


@pytest.fixture
def data(org, cast):
    """N1: E1 (10 insatser, 4 avvikelser/månad), E2 (10 insatser, inga: tyst), E3 (10 insatser, 10/månad:
    över). N2: E4 utan insatser (2 avvikelser: saknar volym). θ för N1 = 168 / 360 per insatsmånad."""
    bemanning, rutin = OrsakFactory(namn="Bemanning"), OrsakFactory(namn="Rutin saknas")
    _insatser(org.e1, org.n1, 10)
    _insatser(org.e2, org.n1, 10)
    _insatser(org.e3, org.n1, 10)
    for m in MANADER:
        for i in range(4):
            a = AvvikelseFactory(enhet=org.e1, handelsetid=_tid(m), rapporterad_av=cast.pia)
            if i == 0:
                a.orsaker.add(bemanning, rutin)
            elif i == 1:
                a.orsaker.add(bemanning)
        for _ in range(10):
            AvvikelseFactory(enhet=org.e3, handelsetid=_tid(m), rapporterad_av=cast.pia)
    for _ in range(2):
        AvvikelseFactory(enhet=org.e4, handelsetid=_tid(MANADER[5]), rapporterad_av=cast.hugo)
    return org


def _sida(klient, namn="avvikelser:tratt", **params):
    params = (
        {"fran": f"{AR}-01-01", "till": f"{AR}-12-31", **params} if namn == "avvikelser:tratt" else params
    )
    return klient.get(reverse(namn), params)


def test_units_counts_and_volume_equal_independent_counts(data, cast):
    tr = t.for_enheter(cast.kim, data.n1, MANADER)
    punkter = {p.nod.kod: p for p in tr.punkter}
    assert set(punkter) == {"E1", "E2", "E3"} and tr.utan_volym == []
    for kod, enhet in (("E1", data.e1), ("E2", data.e2), ("E3", data.e3)):
        oberoende = Avvikelse.objects.filter(enhet=enhet, handelsetid__year=AR).count()
        assert punkter[kod].antal == oberoende
        assert punkter[kod].insatsmanader == 120 and punkter[kod].volym == 10
    assert tr.medel == pytest.approx(100 * 168 / 360)
    assert punkter["E3"].varde == pytest.approx(100 * 120 / 120)
    assert punkter["E3"].niva == "over" and punkter["E2"].niva == "under" and punkter["E1"].niva == ""
    assert punkter["E2"].flagga == t.TYST == "Tyst enhet – varningssignal (kan tyda på underrapportering)"
    # Ledningen ser hela kommunen: E4 saknar volym och listas för sig med sina avvikelser.
    tr = t.for_enheter(cast.lars, data.k, MANADER)
    assert [(n.kod, a) for n, a in tr.utan_volym] == [("E4", 2)]


def test_manager_gets_only_own_units_coordinator_the_committee(data, cast, logga_in, idag_2026, brukare):
    html = _sida(logga_in(cast.erik), nod=data.e1.pk).content.decode()
    assert "Enhet E1" in html and "Enhet E2" not in html and "Enhet E3" not in html
    # Chefen som frågar om hela nämnden får ett 400 med ett svenskt meddelande, inte nämndens enheter.
    svar = _sida(logga_in(cast.erik), nod=data.n1.pk)
    assert "Enhet E3" not in svar.content.decode()
    html = _sida(logga_in(cast.kim), nod=data.n1.pk).content.decode()
    tysta = html[html.index('id="tratt-tysta"') : html.index("</ul>", html.index('id="tratt-tysta"'))]
    over = html[html.index('id="tratt-over"') : html.index("</ul>", html.index('id="tratt-over"'))]
    assert "Enhet E2" in tysta and t.TYST in tysta and "Enhet E3" in over and "Enhet E1" not in tysta + over
    assert "Enhet E4" not in html  # annan nämnd
    # Ledningen: bara sammanställningar, inga enskilda.
    html = _sida(logga_in(cast.lars), nod=data.k.pk).content.decode()
    utan = html[
        html.index('id="tratt-utan-volym"') : html.index("</ul>", html.index('id="tratt-utan-volym"'))
    ]
    assert "Enhet E4: 2 avvikelser, saknar volym" in utan
    for b in (brukare.b1, brukare.skyddad):
        assert b.fornamn not in html and b.efternamn not in html


@pytest.mark.parametrize("vem", ["pia", "hanna", "ada", "utan"])
def test_case_officer_staff_and_admin_are_refused(data, cast, logga_in, vem):
    for namn in ("avvikelser:tratt", "avvikelser:namnder"):
        svar = _sida(logga_in(getattr(cast, vem)), namn)
        assert svar.status_code == 403, (vem, namn)
        assert "ingen behörighet" in svar.content.decode()
        assert "Enhet E1" not in svar.content.decode()


def test_bad_period_gives_swedish_message_not_500(data, cast, logga_in, idag_2026):
    svar = _sida(logga_in(cast.kim), fran="igår")
    assert svar.status_code == 400 and "Ange datumet som ÅÅÅÅ-MM-DD." in svar.content.decode()
    svar = _sida(logga_in(cast.kim), fran="2025-03-02", till="2025-03-30")
    assert svar.status_code == 400 and "minst en hel kalendermånad" in svar.content.decode()
    for ar, text in (("abc", "Ange året med fyra siffror"), ("1999", "Välj ett år mellan 2000 och 2026.")):
        svar = _sida(logga_in(cast.lars), "avvikelser:namnder", ar=ar)
        assert svar.status_code == 400 and text in svar.content.decode()


def test_pareto_of_causes_counts_each_cause_with_cumulative_share(data, cast, logga_in, idag_2026):
    rader = t.per_orsak(cast.kim, data.n1, datetime.date(AR, 1, 1), datetime.date(AR, 12, 31))
    # Bemanning på 2 av E1:s avvikelser per månad, Rutin saknas på 1: 24 och 12.
    assert rader == [{"orsak": "Bemanning", "antal": 24}, {"orsak": "Rutin saknas", "antal": 12}]
    assert t.pareto_tabell(rader, "orsak") == [
        ["Bemanning", 24, 66.7, 66.7],
        ["Rutin saknas", 12, 33.3, 100.0],
    ]
    html = _sida(logga_in(cast.kim), nod=data.n1.pk).content.decode()
    assert '<th scope="row">Bemanning</th><td class="tal">24</td><td class="tal">66,7 %</td>' in html
    assert "Orsaker i utredningarna" in html
    # Statistiksidan har samma Pareto och trattens tysta enheter i stället för den gamla regeln.
    html = (
        logga_in(cast.kim)
        .get(
            reverse("avvikelser:statistik"), {"nod": data.n1.pk, "fran": f"{AR}-01-01", "till": f"{AR}-12-31"}
        )
        .content.decode()
    )
    assert '<th scope="row">Rutin saknas</th><td class="tal">12</td>' in html
    tysta = html[
        html.index('id="tysta-enheter"') : html.index("</section>", html.index('id="tysta-enheter"'))
    ]
    assert "Enhet E2" in tysta and t.TYST in tysta and "Enhet E1" not in tysta and "Enhet E3" not in tysta


def test_committees_side_by_side_for_management(data, cast, logga_in, idag_2026):
    KlagomalFactory(enhet=data.e1, inkommet=_tid(MANADER[2]))
    KlagomalFactory(enhet=data.e4, inkommet=_tid(MANADER[2]))
    KlagomalFactory(enhet=data.e4, inkommet=_tid(MANADER[3]))
    ls = RapportFactory(enhet=data.e3, rapporterad_av=cast.elsa)
    type(ls).objects.filter(pk=ls.pk).update(rapporterad=_tid(MANADER[4]))
    # Påbörjad utredning inom 14 dagar för 12 av E1:s avvikelser (januari–december en per månad).
    for a in Avvikelse.objects.filter(enhet=data.e1).order_by("pk")[::4]:
        Avvikelse.objects.filter(pk=a.pk).update(paborjad=a.rapporterad + datetime.timedelta(days=3))
    j = t.namndjamforelse(cast.lars, AR, IDAG)
    rader = {r["nod"].kod: r for r in j["rader"]}
    assert set(rader) == {"N1", "N2"}
    n1, n2 = rader["N1"], rader["N2"]
    assert (
        n1["avvikelser"] == Avvikelse.objects.filter(enhet__sokvag__startswith=data.n1.sokvag).count() == 168
    )
    assert n2["avvikelser"] == 2 and n2["per_100"] is None and n2["bedomning"] == "Saknar volym"
    assert n1["per_100"] == pytest.approx(round(100 * 168 / 360, 2))
    assert (n1["klagomal"], n2["klagomal"]) == (1, 2)
    assert (n1["lexsarah"], n2["lexsarah"]) == (1, 0)
    assert n1["utredda_i_tid"] == pytest.approx(round(100 * 12 / 168, 1))
    # Samordnaren ser bara sin nämnd; chefen inget (403).
    assert [r["nod"].kod for r in t.namndjamforelse(cast.kim, AR, IDAG)["rader"]] == ["N1"]
    html = _sida(logga_in(cast.lars), "avvikelser:namnder", ar=AR).content.decode()
    assert '<th scope="row">Nämnd N1</th>' in html and '<th scope="row">Nämnd N2</th>' in html
    assert "Trattdiagram: avvikelser per nämnd" in html and "Saknar volym: Nämnd N2 (2 avvikelser)" in html
    assert _sida(logga_in(cast.erik), "avvikelser:namnder").status_code == 403


def test_page_query_counts(data, cast, logga_in, idag_2026, org, django_assert_max_num_queries):
    klient = logga_in(cast.kim)
    _sida(klient, nod=data.n1.pk)
    with django_assert_max_num_queries(16) as fore:
        _sida(klient, nod=data.n1.pk)
    from kvalitet.models import NodTyp
    from tests.factories import OrgNodFactory

    # Fler enheter ger inte fler frågor.
    for i in range(3):
        ny = OrgNodFactory(typ=NodTyp.ENHET, namn=f"Ny {i}", kod=f"NY{i}", forelder=org.a2)
        _insatser(ny, org.n1, 2)
        AvvikelseFactory(enhet=ny, handelsetid=_tid(MANADER[0]), rapporterad_av=cast.pia)
    with django_assert_max_num_queries(len(fore.captured_queries)):
        html = _sida(klient, nod=data.n1.pk).content.decode()
    assert "Ny 2" in html
    klient = logga_in(cast.lars)
    _sida(klient, "avvikelser:namnder", ar=AR)
    with django_assert_max_num_queries(30):
        _sida(klient, "avvikelser:namnder", ar=AR)


# --- Excel -----------------------------------------------------------------------------------------


def _bok(svar):
    assert svar.status_code == 200
    assert svar["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert svar.streaming and "attachment" in svar["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(b"".join(svar.streaming_content)))


def _blad(bok, namn):
    return [list(r) for r in bok[namn].iter_rows(values_only=True)]


def test_funnel_and_pareto_export_has_the_pages_numbers(data, cast, logga_in, idag_2026, caplog):
    klient = logga_in(cast.kim)
    with caplog.at_level(logging.INFO, logger="avvikelser.analys"):
        bok = _bok(_sida(klient, nod=data.n1.pk, format="xlsx"))
    assert bok.sheetnames == ["Trattdiagram", "Pareto kategorier", "Pareto orsaker"]
    assert any("Export till Excel: analys Nämnd N1" in r.getMessage() for r in caplog.records)
    rader = _blad(bok, "Trattdiagram")
    assert rader[0][:5] == [
        "Enhet",
        "Insatser per månad (medel)",
        "Insatsmånader",
        "Avvikelser",
        "Avvikelser per 100 insatser och månad",
    ]
    tr = t.for_enheter(cast.kim, data.n1, MANADER)
    forvantat = {p.nod.namn: p for p in tr.punkter}
    assert {r[0] for r in rader[1:]} == set(forvantat)
    for r in rader[1:]:
        p = forvantat[r[0]]
        assert r[2:5] == [p.insatsmanader, p.antal, round(p.varde, 2)]
        assert r[-1] == p.flagga
    assert _blad(bok, "Pareto orsaker") == [
        ["Orsak", "Antal", "Andel (%)", "Kumulativ andel (%)"],
        ["Bemanning", 24, 66.7, 66.7],
        ["Rutin saknas", 12, 33.3, 100.0],
    ]
    # Sidans tabell visar samma tal (på svenska).
    html = _sida(klient, nod=data.n1.pk).content.decode()
    e3 = forvantat["Enhet E3"]
    assert f'<th scope="row">Enhet E3</th><td class="tal">10,0</td><td class="tal">{e3.antal}</td>' in html


def test_committee_statistics_and_control_chart_exports(data, cast, logga_in, idag_2026):
    bok = _bok(_sida(logga_in(cast.lars), "avvikelser:namnder", ar=AR, format="xlsx"))
    rubriker, *rader = _blad(bok, "Nämnder")
    assert rubriker[:3] == ["Nämnd", "Avvikelser", "Avvikelser per 100 insatser och månad"]
    assert [r[:3] for r in rader] == [["Nämnd N1", 168, round(100 * 168 / 360, 2)], ["Nämnd N2", 2, None]]
    assert (
        _blad(bok, "Trattdiagram")[-1][0] == "Nämnd N2"
        and _blad(bok, "Trattdiagram")[-1][-1] == "Saknar volym"
    )

    params = {"nod": data.n1.pk, "fran": f"{AR}-01-01", "till": f"{AR}-12-31", "format": "xlsx"}
    bok = _bok(logga_in(cast.kim).get(reverse("avvikelser:statistik"), params))
    assert "Per kategori" in bok.sheetnames and "Trattdiagram" in bok.sheetnames
    per_enhet = {r[0]: r[1] for r in _blad(bok, "Per enhet")[1:]}
    assert per_enhet == {"Enhet E1": 48, "Enhet E3": 120}
    assert _blad(bok, "Per kategori")[1] == ["Omsorg", 168, 100.0, 100.0]
    assert sum(r[1] for r in _blad(bok, "Per månad")[1:]) == 168

    bok = _bok(
        logga_in(cast.kim).get(reverse("avvikelser:styrdiagram"), {"nod": data.e3.pk, "format": "xlsx"})
    )
    rader = _blad(bok, "Styrdiagram")
    assert rader[0][:4] == ["Månad", "Avvikelser", "Pågående insatser", "Avvikelser per 100 insatser"]
    assert rader[-1][:4] == ["dec 2025", 10, 10, 100.0]
    # Chefen för E1 får inte E3:s tabell: 400 och sidan, ingen fil.
    svar = logga_in(cast.erik).get(reverse("avvikelser:styrdiagram"), {"nod": data.e3.pk, "format": "xlsx"})
    assert svar.status_code == 400 and not svar.streaming
