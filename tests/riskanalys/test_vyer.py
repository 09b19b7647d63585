import datetime
import subprocess

import pytest
from django.urls import reverse

from kvalitet.models import Atkomstlogg
from riskanalys.models import AnalysStatus, Mall, Riskanalys
from tests.riskanalys.factories import (
    AtgardFactory,
    MallFactory,
    MallRiskFactory,
    RiskanalysFactory,
    RiskFactory,
)


def test_manager_creates_analysis_with_individuals(org, cast, brukare, logga_in):
    c = logga_in(cast.erik)
    svar = c.post(
        reverse("riskanalys:ny"),
        {
            "nod": org.e1.pk,
            "titel": "Stängning av dagverksamheten",
            "forandring": "Dagverksamheten stängs i juli.",
            "datum": "2026-05-01",
            "brukare": [brukare.b1.pk],
        },
    )
    analys = Riskanalys.objects.get()
    assert svar.status_code == 302 and svar["Location"] == reverse("riskanalys:detalj", args=[analys.pk])
    assert list(analys.brukare.all()) == [brukare.b1] and analys.skapad_av == cast.erik


def test_bad_input_keeps_values_and_shows_swedish_error(org, cast, logga_in):
    c = logga_in(cast.erik)
    svar = c.post(
        reverse("riskanalys:ny"),
        {"nod": org.e4.pk, "titel": "Min titel", "forandring": "x", "datum": "inte-ett-datum"},
    )
    assert svar.status_code == 200
    html = svar.content.decode()
    assert (
        "Min titel" in html and "Fyll i ett giltigt datum" in html and "Välj ett giltigt alternativ" in html
    )
    assert not Riskanalys.objects.exists()


def test_htmx_adds_risk_and_returns_only_the_editor(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    c = logga_in(cast.erik)
    data = {"risk-beskrivning": "Ensamhet", "risk-orsak": "", "risk-konsekvens": "3", "risk-sannolikhet": "4"}
    svar = c.post(reverse("riskanalys:risk_ny", args=[analys.pk]), data, HTTP_HX_REQUEST="true")
    html = svar.content.decode()
    assert svar.status_code == 200
    assert '<section id="risker"' in html and "<html" not in html
    assert "Ensamhet" in html and "12 Mycket hög" in html
    assert analys.risker.get().riskvarde == 12


def test_risk_form_works_without_javascript(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    c = logga_in(cast.erik)
    data = {"risk-beskrivning": "Fall", "risk-konsekvens": "2", "risk-sannolikhet": "2"}
    svar = c.post(reverse("riskanalys:risk_ny", args=[analys.pk]), data)
    assert svar.status_code == 302 and svar["Location"].endswith("#risker")
    svar = c.post(
        reverse("riskanalys:risk_ny", args=[analys.pk]), {"risk-beskrivning": "Kvar", "risk-konsekvens": "9"}
    )
    assert svar.status_code == 200
    assert "Kvar" in svar.content.decode() and "<html" in svar.content.decode()
    assert analys.risker.count() == 1


def test_htmx_adds_action_to_risk(org, cast, logga_in):
    risk = RiskFactory(analys=RiskanalysFactory(nod=org.e1))
    c = logga_in(cast.erik)
    svar = c.post(
        reverse("riskanalys:atgard_ny", args=[risk.pk]),
        {
            f"atgard-{risk.pk}-text": "Ringa anhöriga",
            f"atgard-{risk.pk}-status": "planerad",
            f"atgard-{risk.pk}-ansvarig": cast.pia.pk,
            f"atgard-{risk.pk}-klar_senast": "2026-06-01",
        },
        HTTP_HX_REQUEST="true",
    )
    assert svar.status_code == 200 and "Ringa anhöriga" in svar.content.decode()
    assert risk.atgarder.get().ansvarig == cast.pia


def test_other_unit_cannot_open_or_change_analysis(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    c = logga_in(cast.elsa)
    assert c.get(reverse("riskanalys:detalj", args=[analys.pk])).status_code == 404
    assert c.post(reverse("riskanalys:pdf", args=[analys.pk])).status_code == 404
    assert c.get(reverse("riskanalys:pdf_status", args=[analys.pk])).status_code == 404
    assert c.get(reverse("riskanalys:pdf_hamta", args=[analys.pk])).status_code == 404
    assert c.post(reverse("riskanalys:faststall", args=[analys.pk])).status_code == 404
    assert (
        c.post(reverse("riskanalys:risk_ny", args=[analys.pk]), {"risk-beskrivning": "x"}).status_code == 404
    )
    assert c.get(reverse("riskanalys:detalj", args=[999999])).status_code == 404
    assert not analys.risker.exists()


def test_staff_sees_no_list_but_responsible_staff_can_report_own_action(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1, status=AnalysStatus.FASTSTALLD)
    atgard = AtgardFactory(risk=RiskFactory(analys=analys), ansvarig=cast.pia)
    c = logga_in(cast.pia)
    assert c.get(reverse("riskanalys:index")).status_code == 403
    assert c.get(reverse("riskanalys:detalj", args=[analys.pk])).status_code == 200
    svar = c.post(
        reverse("riskanalys:atgard", args=[atgard.pk]),
        {
            f"a{atgard.pk}-status": "klar",
            f"a{atgard.pk}-resultat": "Klart och fungerar",
            f"a{atgard.pk}-text": "Hackat",
            f"a{atgard.pk}-version": "0",
        },
    )
    assert svar.status_code == 302
    atgard.refresh_from_db()
    assert atgard.status == "klar" and atgard.resultat == "Klart och fungerar"
    assert atgard.text != "Hackat"


def test_detail_logs_viewing_of_individuals(org, cast, brukare, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    analys.brukare.set([brukare.b1, brukare.skyddad])
    svar = logga_in(cast.erik).get(reverse("riskanalys:detalj", args=[analys.pk]))
    assert svar.status_code == 200
    assert Atkomstlogg.objects.filter(anvandare=cast.erik).count() == 2
    html = svar.content.decode()
    assert "Greta" in html and "Hemlig" not in html


def test_approve_then_new_version_via_views(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    RiskFactory(analys=analys)
    c = logga_in(cast.erik)
    c.post(reverse("riskanalys:faststall", args=[analys.pk]))
    svar = c.post(reverse("riskanalys:ny_version", args=[analys.pk]))
    ny = Riskanalys.objects.get(aktuell=True)
    assert svar["Location"] == reverse("riskanalys:detalj", args=[ny.pk]) and ny.version == 2
    gammal = c.get(reverse("riskanalys:detalj", args=[analys.pk])).content.decode()
    assert "äldre version" in gammal


def test_template_flow_save_and_start_from_template(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    RiskFactory(analys=analys, beskrivning="Värmebölja")
    c = logga_in(cast.erik)
    c.post(reverse("riskanalys:spara_mall", args=[analys.pk]), {"titel": "Värmebölja på boende"})
    mall = Mall.objects.get()
    assert "Värmebölja på boende" in logga_in(cast.sofia).get(reverse("riskanalys:mallar")).content.decode()
    svar = logga_in(cast.elsa).get(reverse("riskanalys:ny") + f"?mall={mall.pk}")
    assert "Värmebölja på boende" in svar.content.decode()
    assert logga_in(cast.elsa).get(reverse("riskanalys:ny") + "?mall=abc").status_code == 200


def test_list_pages_have_bounded_queries(org, cast, logga_in, django_assert_max_num_queries):
    for _ in range(8):
        a = RiskanalysFactory(nod=org.e1)
        AtgardFactory(risk=RiskFactory(analys=a))
    MallRiskFactory(mall=MallFactory(nod=org.n1))
    c = logga_in(cast.kim)
    for namn in ("riskanalys:index", "riskanalys:risker", "riskanalys:mallar"):
        with django_assert_max_num_queries(15):
            assert c.get(reverse(namn), {"status": "fel", "sida": "x", "niva": "<>"}).status_code == 200


def test_detail_has_bounded_queries(org, cast, logga_in, django_assert_max_num_queries):
    a = RiskanalysFactory(nod=org.e1)
    for _ in range(6):
        AtgardFactory(risk=RiskFactory(analys=a))
    # 41: en fråga för användarens PDF-beställning (oberoende av antalet risker); 42: rollerna i
    # "Ansvarig"-listans etiketter, en fråga för alla formulär (kvalitet.forms.AnsvarigVal).
    with django_assert_max_num_queries(42):
        assert logga_in(cast.erik).get(reverse("riskanalys:detalj", args=[a.pk])).status_code == 200


def test_pdf_contains_the_analysis(org, cast, logga_in, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # som i demon: PDF:en byggs direkt
    analys = RiskanalysFactory(nod=org.e1, titel="Sommarstängning Solgläntan")
    AtgardFactory(
        risk=RiskFactory(analys=analys, beskrivning="Brukare isoleras"), text="Träffpunkt varje tisdag"
    )
    klient = logga_in(cast.erik)
    with django_capture_on_commit_callbacks(execute=True):
        assert klient.post(reverse("riskanalys:pdf", args=[analys.pk])).status_code == 302
    svar = klient.get(reverse("riskanalys:pdf_hamta", args=[analys.pk]))
    assert svar.status_code == 200
    innehall = b"".join(svar.streaming_content)
    assert innehall.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=innehall, capture_output=True, check=True
    ).stdout.decode()
    for ord_ in ("Sommarstängning Solgläntan", "Brukare isoleras", "Träffpunkt varje tisdag"):
        assert ord_ in text


@pytest.mark.parametrize("person", ["lars", "ada", "hanna", "utan"])
def test_roles_without_access_get_403_on_pages(cast, person, logga_in):
    # Sidorna finns för alla; en roll utan dem får 403 (kvalitet.access: en sida nekas med 403).
    c = logga_in(getattr(cast, person))
    for namn in ("riskanalys:index", "riskanalys:risker", "riskanalys:mallar", "riskanalys:ny"):
        assert c.get(reverse(namn)).status_code == 403


def test_edit_risk_inline_with_htmx_and_as_page_without(org, cast, logga_in):
    risk = RiskFactory(analys=RiskanalysFactory(nod=org.e1), beskrivning="Gammal text")
    c = logga_in(cast.erik)
    url = reverse("riskanalys:risk", args=[risk.pk])
    assert "<html" not in c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" in c.get(url).content.decode()
    p = f"r{risk.pk}"
    svar = c.post(
        url,
        {
            f"{p}-beskrivning": "Ny text",
            f"{p}-konsekvens": "4",
            f"{p}-sannolikhet": "1",
            f"{p}-konsekvens_efter": "2",
            f"{p}-sannolikhet_efter": "",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Ange både konsekvens och sannolikhet" in svar.content.decode()
    risk.refresh_from_db()
    assert risk.beskrivning == "Gammal text"


def test_old_version_cannot_be_changed_through_any_form(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    risk = RiskFactory(analys=analys)
    c = logga_in(cast.erik)
    c.post(reverse("riskanalys:faststall", args=[analys.pk]))
    c.post(reverse("riskanalys:ny_version", args=[analys.pk]))
    c.post(
        reverse("riskanalys:risk_ny", args=[analys.pk]),
        {"risk-beskrivning": "x", "risk-konsekvens": "1", "risk-sannolikhet": "1"},
    )
    c.post(reverse("riskanalys:risk_ta_bort", args=[risk.pk]))
    c.post(reverse("riskanalys:folj_upp", args=[analys.pk]), {"utvardering": "x"})
    analys.refresh_from_db()
    assert analys.risker.count() == 1 and analys.status == AnalysStatus.FASTSTALLD


def test_follow_up_via_view(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    RiskFactory(analys=analys)
    c = logga_in(cast.erik)
    c.post(reverse("riskanalys:faststall", args=[analys.pk]))
    c.post(reverse("riskanalys:folj_upp", args=[analys.pk]), {"utvardering": ""})
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.FASTSTALLD
    c.post(reverse("riskanalys:folj_upp", args=[analys.pk]), {"utvardering": "Fungerade väl"})
    analys.refresh_from_db()
    assert analys.status == AnalysStatus.UPPFOLJD and analys.utvardering == "Fungerade väl"


def test_htmx_answer_also_swaps_the_matrix_out_of_band(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    data = {"risk-beskrivning": "Fall", "risk-konsekvens": "4", "risk-sannolikhet": "3"}
    svar = logga_in(cast.erik).post(
        reverse("riskanalys:risk_ny", args=[analys.pk]), data, HTTP_HX_REQUEST="true"
    )
    html = svar.content.decode()
    assert '<section class="mb-4" id="matris" aria-labelledby="matris-rubrik" hx-swap-oob="true">' in html
    assert "<strong>1</strong>" in html.split('id="matris"')[1]


def test_detail_page_shows_a_message_once(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    RiskFactory(analys=analys)
    svar = logga_in(cast.erik).post(reverse("riskanalys:faststall", args=[analys.pk]), follow=True)
    assert svar.content.decode().count("Analysen är fastställd.") == 1


def test_approved_action_page_offers_only_status_and_result(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    atgard = AtgardFactory(
        risk=RiskFactory(analys=analys),
        text="Ny rutin",
        ansvarig=cast.erik,
        klar_senast=datetime.date(2030, 1, 1),
    )
    c = logga_in(cast.erik)
    c.post(reverse("riskanalys:faststall", args=[analys.pk]))
    url = reverse("riskanalys:atgard", args=[atgard.pk])
    form = c.get(url).context["form"]
    assert set(form.fields) == {"status", "resultat", "version"}
    c.post(
        url,
        {
            f"a{atgard.pk}-status": "klar",
            f"a{atgard.pk}-resultat": "Klart",
            f"a{atgard.pk}-text": "x",
            f"a{atgard.pk}-version": "0",
        },
    )
    atgard.refresh_from_db()
    assert (atgard.status, atgard.text) == ("klar", "Ny rutin")


def test_analysis_links_the_deviations_that_prompted_it_and_the_change_it_prepares(org, cast, logga_in):
    from tests.avvikelser.factories import AvvikelseFactory
    from tests.uppfoljning.factories import ForandringFactory

    avvikelse = AvvikelseFactory(enhet=org.e1, rapporterad_av=cast.pia)
    AvvikelseFactory(enhet=org.e3, rapporterad_av=cast.pia, referensnummer="AV-E3")
    c = logga_in(cast.erik)
    falt = {"nod": org.e1.pk, "titel": "Stängning", "forandring": "x", "datum": "2026-05-01"}
    c.post(reverse("riskanalys:ny"), {**falt, "avvikelser": [avvikelse.pk]})
    analys = Riskanalys.objects.get()
    assert list(analys.avvikelser.all()) == [avvikelse]
    # En avvikelse vid en annan enhet går inte att koppla.
    andra = logga_in(cast.erik).post(
        reverse("riskanalys:ny"),
        {**falt, "avvikelser": [AvvikelseFactory._meta.model.objects.get(referensnummer="AV-E3").pk]},
    )
    assert andra.status_code == 200 and Riskanalys.objects.count() == 1
    ForandringFactory(
        nod=org.n1, riskanalys=analys, rubrik="Dagverksamheten stängs i juli", skapad_av=cast.kim
    )

    html = logga_in(cast.kim).get(reverse("riskanalys:detalj", args=[analys.pk])).content.decode()
    assert avvikelse.referensnummer in html and "Dagverksamheten stängs i juli" in html


def test_risk_list_filters_by_band(org, cast, logga_in):
    analys = RiskanalysFactory(nod=org.e1)
    RiskFactory(analys=analys, beskrivning="Allvarlig fallrisk", konsekvens=4, sannolikhet=4)
    RiskFactory(analys=analys, beskrivning="Liten ordningsrisk", konsekvens=1, sannolikhet=1)
    c = logga_in(cast.erik)
    html = c.get(reverse("riskanalys:risker"), {"niva": "mycket_hog"}).content.decode()
    assert "Allvarlig fallrisk" in html and "Liten ordningsrisk" not in html
    alla = c.get(reverse("riskanalys:risker")).content.decode()
    assert alla.index("Allvarlig fallrisk") < alla.index("Liten ordningsrisk")
