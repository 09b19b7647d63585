import csv
import datetime
import io

import pytest

from kvalitet import access
from tests.factories import BrukareFactory
from tests.uppfoljning.factories import ForandringFactory, arende
from uppfoljning import queries
from uppfoljning.models import EjVerkstalltBeslut, Forandring, Kontakt, Uppfoljningsarende

D = datetime.date


@pytest.fixture
def lage(org, cast, brukare):
    """N1: fem berörda med olika luckor vid E1/E3, en förändring utan riskanalys. N2: två berörda."""
    f1 = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    f1.enheter.set([org.e1])
    f2 = ForandringFactory(nod=org.n2, skapad_av=cast.hugo)
    f2.enheter.set([org.e4])
    komplett = dict(
        forsta_kontakt=D(2026, 3, 2),
        behov_bedomt=D(2026, 3, 3),
        atgarder_behovs=False,
        uppfoljning_gjord=D(2026, 4, 1),
        utfall="ja",
    )
    a = [
        arende(brukare.b1, forandring=f1, nod=org.e1, **komplett),
        arende(brukare.skyddad, forandring=f1, nod=org.e1, forsta_kontakt=D(2026, 3, 2)),
        arende(
            brukare.b3,
            forandring=f1,
            nod=org.e3,
            forsta_kontakt=D(2026, 3, 2),
            behov_bedomt=D(2026, 3, 3),
            atgarder_behovs=True,
            atgarder="",
        ),
        arende(BrukareFactory(namnd=org.n1, handlaggare=cast.hanna), forandring=f1, nod=org.e1),
        arende(
            brukare.skyddad_annan,
            nod=org.e1,
            forsta_kontakt=D(2026, 3, 2),
            behov_bedomt=D(2026, 3, 3),
            atgarder_behovs=True,
            atgarder="Kontakt varje vecka.",
        ),
        arende(brukare.b4, forandring=f2, nod=org.e4, **komplett),
        arende(BrukareFactory(namnd=org.n2, handlaggare=cast.hugo), forandring=f2, nod=org.e4),
    ]
    return a


def _oberoende(arenden):
    return {
        "berorda": len(arenden),
        "kontaktade": sum(a.kontaktad for a in arenden),
        "behov_bedomda": sum(a.behov_bedomt is not None for a in arenden),
        "atgarder_beslutade": sum(a.atgarder_beslutade for a in arenden),
        "uppfoljda": sum(a.uppfoljd for a in arenden),
        "kompletta": sum(a.komplett for a in arenden),
    }


def test_dashboard_numbers_equal_independent_counts(org, cast, lage):
    t = queries.tackning(cast.kim, org.n1)
    n1 = [a for a in Uppfoljningsarende.objects.all() if a.namnd_id == org.n1.pk]
    assert {k: t[k] for k in _oberoende(n1)} == _oberoende(n1)
    assert t["berorda"] == 5 and t["kontaktade"] == 4 and t["atgarder_beslutade"] == 2 and t["kompletta"] == 1
    assert t["forandringar"] == 1 and t["forandringar_utan_riskanalys"] == 1


def test_dashboard_for_a_unit_counts_only_its_subtree(org, cast, lage):
    e1 = [a for a in Uppfoljningsarende.objects.all() if a.nod_id == org.e1.pk]
    t = queries.tackning(cast.kim, org.e1)
    assert {k: t[k] for k in _oberoende(e1)} == _oberoende(e1)
    assert queries.tackning(cast.kim, org.e3)["forandringar"] == 0


def test_committees_side_by_side_for_management(org, cast, lage):
    rader = {r["namnd__namn"]: r for r in queries.tackning_per_namnd(cast.lars, org.k)}
    assert rader["Nämnd N1"]["berorda"] == 5 and rader["Nämnd N2"]["berorda"] == 2
    assert rader["Nämnd N2"]["andel_kompletta"] == 50
    assert rader["Nämnd N1"]["forandringar_utan_riskanalys"] == 1


def test_coordinator_sees_only_own_committee_in_numbers(org, cast, lage):
    assert queries.tackning(cast.kim, org.k)["berorda"] == 5
    assert queries.tackning(cast.sofia, org.k)["berorda"] == 2
    assert queries.tackning(cast.erik, org.k)["berorda"] == 0


def test_period_filter_uses_creation_date(org, cast, lage):
    assert queries.tackning(cast.kim, org.n1, fran=D(2000, 1, 1), till=D(2000, 12, 31))["berorda"] == 0


def test_ivo_answers_are_yes_or_no_never_unknown(org, cast, lage):
    svar = queries.ivo_svar(cast.lars, org.k)
    assert {s["svar"] for s in svar} <= {"Ja", "Nej"}
    kontakt_n1 = next(s for s in svar if s["namnd"] == "Nämnd N1" and "kontakt" in s["fraga"])
    assert (kontakt_n1["svar"], kontakt_n1["antal"], kontakt_n1["berorda"]) == ("Nej", 4, 5)
    assert "1 av 5" in kontakt_n1["skal"]


def test_ivo_export_csv(logga_in, org, cast, lage):
    svar = logga_in(cast.lars).get("/uppfoljning/ivo-svar.csv", {"nod": org.k.pk})
    assert svar.status_code == 200
    rader = list(csv.reader(io.StringIO(svar.content.decode("utf-8-sig")), delimiter=";"))
    assert rader[0][:3] == ["Nämnd", "Fråga", "Svar"]
    # Fem frågor per nämnd och raden om uppföljning i kontakt med den enskilde.
    assert len(rader) == 1 + 2 * 6
    assert all(r[2] in ("Ja", "Nej") for r in rader[1:])


# --- åtkomst ---


def _pks(user, model, atgard=access.LASA):
    return set(access.scope(user, model, atgard).values_list("pk", flat=True))


def test_case_officer_sees_own_committees_cases_not_others(org, cast, lage):
    n1 = {a.pk for a in lage if a.namnd_id == org.n1.pk}
    n2 = {a.pk for a in lage if a.namnd_id == org.n2.pk}
    assert _pks(cast.hanna, Uppfoljningsarende) == n1
    assert _pks(cast.hugo, Uppfoljningsarende) == n2
    assert _pks(cast.kim, Uppfoljningsarende) == n1
    assert _pks(cast.sofia, Uppfoljningsarende, access.ANDRA) == n2


@pytest.mark.parametrize("vem", ["pia", "erik", "elsa", "vera", "lars", "ada", "utan"])
def test_roles_without_case_work_see_no_cases_contacts_or_decisions(cast, lage, vem):
    user = getattr(cast, vem)
    for model in (Uppfoljningsarende, Kontakt, EjVerkstalltBeslut):
        assert _pks(user, model) == set()


def test_unit_manager_reads_changes_at_own_units_but_cannot_change_them(org, cast, lage):
    assert {f.nod_id for f in access.scope(cast.erik, Forandring)} == {org.n1.pk}
    assert _pks(cast.elsa, Forandring) == set()
    assert _pks(cast.erik, Forandring, access.ANDRA) == set()
    assert _pks(cast.lars, Forandring) == set()


def test_case_officer_is_not_shown_other_committees_changes(org, cast, lage):
    assert {f.nod_id for f in access.scope(cast.hugo, Forandring)} == {org.n2.pk}


def test_changes_for_a_risk_analysis_are_scoped_and_the_form_offers_only_choosable_analyses(org, cast):
    from tests.riskanalys.factories import RiskanalysFactory
    from uppfoljning.forms import ForandringForm

    analys = RiskanalysFactory(nod=org.n1)
    annan = RiskanalysFactory(nod=org.n2)
    f = ForandringFactory(nod=org.n1, skapad_av=cast.kim, riskanalys=analys)
    ForandringFactory(nod=org.n1, skapad_av=cast.kim)
    assert list(queries.forandringar_for_riskanalys(cast.kim, analys)) == [f]
    assert list(queries.forandringar_for_riskanalys(cast.sofia, analys)) == []
    valbara = set(ForandringForm(user=cast.kim).fields["riskanalys"].queryset)
    assert analys in valbara and annan not in valbara
    assert queries.tackning(cast.kim, org.n1)["forandringar_utan_riskanalys"] == 1


def test_committee_without_registered_individuals_is_answered_no_with_a_reason(logga_in, org, cast, lage):
    from kvalitet.models import NodTyp
    from tests.factories import OrgNodFactory

    OrgNodFactory(typ=NodTyp.NAMND, namn="Nämnd N3", kod="N3", forelder=org.k)
    rader = {r["namnd__namn"]: r for r in queries.tackning_per_namnd(cast.lars, org.k)}
    assert list(rader) == ["Nämnd N1", "Nämnd N2", "Nämnd N3"]
    assert rader["Nämnd N3"]["berorda"] == 0 and rader["Nämnd N3"]["andel_kontaktade"] == 0
    fragor = [
        s
        for s in queries.ivo_svar(cast.lars, org.k)
        if s["namnd"] == "Nämnd N3" and s["fraga"] in {f for f, _falt in queries.IVO_FRAGOR}
    ]
    assert len(fragor) == 4 and {s["svar"] for s in fragor} == {"Nej"}
    assert all(s["skal"] == "Inga berörda enskilda är registrerade för perioden." for s in fragor)
    rader_csv = list(
        csv.reader(
            io.StringIO(
                logga_in(cast.lars)
                .get("/uppfoljning/ivo-svar.csv", {"nod": org.k.pk})
                .content.decode("utf-8-sig")
            ),
            delimiter=";",
        )
    )
    assert len(rader_csv) == 1 + 3 * 6 and all(r[2] in ("Ja", "Nej") for r in rader_csv[1:])
    # Samordnaren i N1 får bara sin egen nämnd.
    assert [r["namnd__namn"] for r in queries.tackning_per_namnd(cast.kim, org.k)] == ["Nämnd N1"]
