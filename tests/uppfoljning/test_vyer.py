import datetime

import pytest

from kvalitet.models import Atkomstlogg
from tests.factories import BrukareFactory, InsatsFactory, insatstyp
from tests.uppfoljning.factories import ForandringFactory, KontaktFactory, arende
from uppfoljning.models import EjVerkstalltBeslut, Forandring, Kontakt, Uppfoljningsarende

D = datetime.date


@pytest.fixture
def forandring(org, cast):
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    f.enheter.set([org.e1])
    return f


def test_case_officer_registers_a_change_and_selects_affected(logga_in, org, cast, brukare):
    klient = logga_in(cast.hanna)
    svar = klient.post(
        "/uppfoljning/forandringar/ny/",
        {
            "rubrik": "Hemtjänsten minskas",
            "nod": org.n1.pk,
            "typ": "minskad_omfattning",
            "insatstyp": insatstyp().pk,
            "enheter": [org.e1.pk],
            "giltig_fran": "2026-03-01",
            "orsak": "Personalbrist",
            "beslutad_av": "Socialnämnden",
        },
    )
    assert svar.status_code == 302, svar.content.decode()[:2000]
    f = Forandring.objects.get()
    assert f.riskanalys is None and f.skapad_av == cast.hanna
    # Urvalet visas först (ingenting sparas), sedan bekräftas det med alla ikryssade.
    svar = klient.get(f"/uppfoljning/forandringar/{f.pk}/urval/", {"datum": "2026-03-01"})
    assert svar.status_code == 200 and not Uppfoljningsarende.objects.exists()
    alla = [brukare.b1.pk, brukare.skyddad.pk, brukare.skyddad_annan.pk]
    svar = klient.post(
        f"/uppfoljning/forandringar/{f.pk}/urval/", {"datum": "2026-03-01", "visade": alla, "valda": alla}
    )
    assert svar.status_code == 302
    # b1, skyddad och skyddad_annan har hemtjänst vid E1 (fabrikens insats).
    assert Uppfoljningsarende.objects.filter(forandring=f).count() == 3


def test_bad_input_keeps_values_and_answers_in_swedish(logga_in, org, cast):
    svar = logga_in(cast.hanna).post(
        "/uppfoljning/forandringar/ny/",
        {
            "rubrik": "Kvar",
            "nod": org.n1.pk,
            "giltig_fran": "2026-13-45",
            "giltig_till": "x",
            "orsak": "Orsaken",
        },
    )
    assert svar.status_code == 200
    text = svar.content.decode()
    assert "Kvar" in text and "Orsaken" in text and "2026-13-45" in text
    assert (
        "Detta fält måste fyllas i" in text or "obligatoriskt" in text.lower() or "Ange ett giltigt" in text
    )


def test_bad_selection_date_gives_400_not_500(logga_in, cast, forandring):
    svar = logga_in(cast.hanna).post(f"/uppfoljning/forandringar/{forandring.pk}/urval/", {"datum": "igår"})
    assert svar.status_code == 400
    assert "igår" in svar.content.decode()


def test_contact_is_logged_from_the_case_page(logga_in, cast, brukare, forandring):
    a = arende(brukare.b1, forandring=forandring)
    klient = logga_in(cast.hanna)
    assert klient.get(f"/uppfoljning/arenden/{a.pk}/").status_code == 200
    assert Atkomstlogg.objects.filter(anvandare=cast.hanna, brukare=brukare.b1).exists()
    svar = klient.post(
        f"/uppfoljning/arenden/{a.pk}/kontakt/",
        {
            "datum": "2026-03-04",
            "kanal": "hembesok",
            "med_vem": "narstaende",
            "vad_sades": "Oro",
            "delaktig": "true",
        },
    )
    assert svar.status_code == 302
    k = Kontakt.objects.get()
    assert k.delaktig is True and k.gjord_av == cast.hanna
    a.refresh_from_db()
    assert a.forsta_kontakt == D(2026, 3, 4)


def test_future_contact_is_refused_with_values_kept(logga_in, cast, brukare, forandring):
    a = arende(brukare.b1, forandring=forandring)
    svar = logga_in(cast.hanna).post(
        f"/uppfoljning/arenden/{a.pk}/kontakt/",
        {"datum": "2099-01-01", "kanal": "telefon", "med_vem": "enskild", "vad_sades": "Behållen text"},
    )
    assert svar.status_code == 400
    assert "framtiden" in svar.content.decode() and "Behållen text" in svar.content.decode()
    assert not Kontakt.objects.exists()


def test_assessment_and_follow_up_make_the_case_complete(logga_in, cast, brukare, forandring):
    a = arende(brukare.b1, forandring=forandring)
    klient = logga_in(cast.hanna)
    KontaktFactory(arende=a, gjord_av=cast.hanna)
    a.forsta_kontakt = D(2026, 3, 5)
    a.save()
    svar = klient.post(
        f"/uppfoljning/arenden/{a.pk}/bedom/",
        {
            "version": "0",
            "behov": "Isolering",
            "behov_bedomt": "2026-03-06",
            "atgarder_behovs": "true",
            "atgarder": "",
            "uppfoljning_planerad": "2026-04-01",
        },
    )
    assert svar.status_code == 400 and "Beskriv vilka åtgärder" in svar.content.decode()
    svar = klient.post(
        f"/uppfoljning/arenden/{a.pk}/bedom/",
        {
            "version": "0",
            "behov": "Isolering",
            "behov_bedomt": "2026-03-06",
            "atgarder_behovs": "true",
            "atgarder": "Telefonsamtal varje vecka",
            "uppfoljning_planerad": "2026-04-01",
        },
    )
    assert svar.status_code == 302
    svar = klient.post(
        f"/uppfoljning/arenden/{a.pk}/folj-upp/",
        {"uppfoljning_gjord": "2026-04-01", "utfall": "ja", "version": "1"},
    )
    assert svar.status_code == 302
    a.refresh_from_db()
    assert a.komplett


def test_other_committee_cannot_open_or_write_the_case(logga_in, cast, brukare, forandring):
    a = arende(brukare.b1, forandring=forandring)
    klient = logga_in(cast.hugo)
    assert klient.get(f"/uppfoljning/arenden/{a.pk}/").status_code == 404
    assert (
        klient.post(
            f"/uppfoljning/arenden/{a.pk}/kontakt/",
            {"datum": "2026-03-04", "kanal": "telefon", "med_vem": "enskild"},
        ).status_code
        == 404
    )
    assert not Kontakt.objects.exists()
    assert klient.get("/uppfoljning/arenden/999999/").status_code == 404


def test_caseload_shows_what_is_missing_and_protected_names_are_hidden(logga_in, cast, brukare, forandring):
    for b in (brukare.b1, brukare.skyddad):
        arende(b, forandring=forandring)
    text = logga_in(cast.hanna).get("/uppfoljning/mina/").content.decode()
    assert "Greta Gran" in text and "kontakt, behovsbedömning" in text
    # Hanna handlägger den skyddade: hon ser namnet. Kim (samordnare) gör det inte.
    assert "Hemlig Person" in text
    text = logga_in(cast.kim).get(f"/uppfoljning/forandringar/{forandring.pk}/").content.decode()
    assert "Hemlig" not in text and "Skyddad identitet" in text


def test_caseload_query_count_does_not_grow_with_rows(
    logga_in, cast, org, forandring, django_assert_max_num_queries
):
    for _ in range(30):
        arende(BrukareFactory(namnd=org.n1, handlaggare=cast.hanna), forandring=forandring)
    klient = logga_in(cast.hanna)
    with django_assert_max_num_queries(15):
        assert klient.get("/uppfoljning/mina/").status_code == 200
    # Förändringens sida visar också historiken och bortvalen: två frågor till, oavsett antal rader.
    with django_assert_max_num_queries(17):
        assert klient.get(f"/uppfoljning/forandringar/{forandring.pk}/").status_code == 200
    with django_assert_max_num_queries(15):
        assert klient.get("/uppfoljning/forandringar/").status_code == 200


def test_dashboard_and_drill_down(logga_in, cast, org, brukare, forandring, django_assert_max_num_queries):
    arende(brukare.b1, forandring=forandring, nod=org.e1)
    klient = logga_in(cast.kim)
    # Konstant: en fråga per tabell, plus nämnderna utan ärenden och rösten (svar, grupper, valda citat).
    with django_assert_max_num_queries(20):
        svar = klient.get("/uppfoljning/tackning/", {"nod": org.n1.pk})
    assert svar.status_code == 200 and "Förändringar utan riskanalys" in svar.content.decode()
    svar = klient.get("/uppfoljning/tackning/ej_kontaktade/", {"nod": org.n1.pk})
    assert "Greta Gran" in svar.content.decode()
    assert klient.get("/uppfoljning/tackning/okand/").status_code == 404


def test_management_sees_numbers_but_drill_down_shows_no_one(logga_in, cast, org, brukare, forandring):
    arende(brukare.b1, forandring=forandring, nod=org.e1)
    klient = logga_in(cast.lars)
    svar = klient.get("/uppfoljning/tackning/", {"nod": org.k.pk})
    assert svar.status_code == 200 and "Nämnd N1" in svar.content.decode()
    svar = klient.get("/uppfoljning/tackning/ej_kontaktade/", {"nod": org.k.pk})
    assert "Greta" not in svar.content.decode()


@pytest.mark.parametrize("fraga", [{"nod": "x"}, {"nod": "999999"}, {"fran": "2026-02-30"}, {"ar": "abc"}])
def test_bad_query_strings_never_give_500(logga_in, cast, fraga):
    klient = logga_in(cast.kim)
    for url in (
        "/uppfoljning/tackning/",
        "/uppfoljning/ej-verkstallda/sammanstallning/",
        "/uppfoljning/ej-verkstallda/",
    ):
        assert klient.get(url, fraga).status_code == 200
    assert klient.get("/uppfoljning/ej-verkstallda/individrapporter.csv", {"ar": "x"}).status_code == 404


def test_decision_documentation_and_quarterly_export(logga_in, cast, org):
    b = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)
    insats = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2025, 10, 1), startdatum=None)
    beslut = EjVerkstalltBeslut.objects.create(
        insats=insats, fran=insats.beslutsdatum, brukare=b, namnd=org.n1, lag="SoL", pseudonym="19500517-B224"
    )
    klient = logga_in(cast.hanna)
    svar = klient.post(
        f"/uppfoljning/ej-verkstallda/{beslut.pk}/",
        {
            "version": "0",
            "orsak": "Ingen ledig plats",
            "under_vantan": "Utökad hemtjänst",
            "erbjudanden": "2026-01-10 erbjudande",
        },
    )
    assert svar.status_code == 302
    svar = klient.post(
        "/uppfoljning/ej-verkstallda/individrapporter/", {"nod": org.n1.pk, "ar": 2026, "kvartal": 1}
    )
    assert svar.status_code == 302
    csv_text = klient.get(
        "/uppfoljning/ej-verkstallda/individrapporter.csv", {"ar": 2026, "kvartal": 1}
    ).content.decode()
    assert "19500517-B224" in csv_text and "Ingen ledig plats" in csv_text
    assert b.fornamn not in csv_text and b.personnummer not in csv_text
    assert logga_in(cast.hugo).get(f"/uppfoljning/ej-verkstallda/{beslut.pk}/").status_code == 404


def test_enforcement_date_before_decision_is_refused(logga_in, cast, org):
    b = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)
    insats = InsatsFactory(brukare=b, enhet=org.e1, beslutsdatum=D(2025, 10, 1), startdatum=None)
    beslut = EjVerkstalltBeslut.objects.create(
        insats=insats, fran=insats.beslutsdatum, brukare=b, namnd=org.n1, lag="SoL", pseudonym="19500517-B224"
    )
    svar = logga_in(cast.hanna).post(
        f"/uppfoljning/ej-verkstallda/{beslut.pk}/", {"verkstallt": "2025-01-01"}
    )
    assert svar.status_code == 400
    beslut.refresh_from_db()
    assert beslut.verkstallt is None


@pytest.mark.parametrize("vem", ["hanna", "kim", "lars", "erik", "pia", "ada", "utan"])
def test_every_page_answers_every_role_without_error(logga_in, cast, vem):
    klient = logga_in(getattr(cast, vem))
    for url in (
        "/uppfoljning/",
        "/uppfoljning/mina/",
        "/uppfoljning/forandringar/",
        "/uppfoljning/tackning/",
        "/uppfoljning/ej-verkstallda/",
        "/uppfoljning/ej-verkstallda/sammanstallning/",
    ):
        assert klient.get(url, follow=True).status_code == 200, url


def test_individual_who_declined_is_added_one_by_one(logga_in, org, cast, brukare):
    klient = logga_in(cast.hanna)
    insats = brukare.b1.insatser.get()
    # Utan insats: ett eget val måste knytas till insatsen, med ett svenskt fel.
    svar = klient.post(
        "/uppfoljning/arenden/ny/", {"brukare": brukare.b1.pk, "egen_typ": "pausad_pa_begaran"}
    )
    assert svar.status_code == 200 and not Uppfoljningsarende.objects.exists()
    assert "Välj insatsen som den enskilde pausat eller tackat nej till." in svar.content.decode()
    svar = klient.post(
        "/uppfoljning/arenden/ny/",
        {"brukare": brukare.b1.pk, "egen_typ": "pausad_pa_begaran", "insats": insats.pk},
    )
    assert svar.status_code == 302
    a = Uppfoljningsarende.objects.get()
    assert a.egen_typ == "pausad_pa_begaran" and a.handlaggare == cast.hanna
    assert a.insats == insats and a.nod == org.e1
    # Någon annan nämnds brukare går inte att välja.
    svar = klient.post(
        "/uppfoljning/arenden/ny/",
        {"brukare": brukare.b4.pk, "egen_typ": "pausad_pa_begaran", "insats": brukare.b4.insatser.get().pk},
    )
    assert svar.status_code == 200 and Uppfoljningsarende.objects.count() == 1


def test_units_outside_the_committee_are_refused(logga_in, org, cast):
    svar = logga_in(cast.kim).post(
        "/uppfoljning/forandringar/ny/",
        {
            "rubrik": "X",
            "nod": org.n1.pk,
            "typ": "installd",
            "insatstyp": insatstyp().pk,
            "enheter": [org.e4.pk],
            "giltig_fran": "2026-03-01",
            "orsak": "Y",
            "beslutad_av": "Z",
        },
    )
    assert svar.status_code == 200 and not Forandring.objects.exists()


def test_drill_down_keeps_the_period(logga_in, cast, org, brukare, forandring):
    arende(brukare.b1, forandring=forandring, nod=org.e1)
    klient = logga_in(cast.kim)
    text = klient.get(
        "/uppfoljning/tackning/", {"nod": org.n1.pk, "fran": "2000-01-01", "till": "2000-12-31"}
    ).content.decode()
    assert "fran=2000-01-01" in text
    svar = klient.get(
        "/uppfoljning/tackning/ej_kontaktade/", {"nod": org.n1.pk, "fran": "2000-01-01", "till": "2000-12-31"}
    )
    assert "Greta" not in svar.content.decode()
    svar = klient.get("/uppfoljning/tackning/ej_kontaktade/", {"nod": org.n1.pk, "fran": "", "till": ""})
    assert "Greta" in svar.content.decode()


def test_interruption_is_registered_from_the_form_and_other_committees_insatser_are_not_offered(
    logga_in, cast, org, brukare
):
    egen = InsatsFactory(
        brukare=brukare.b1, enhet=org.e1, beslutsdatum=D(2025, 1, 1), startdatum=D(2025, 2, 1)
    )
    annan = InsatsFactory(
        brukare=brukare.b4, enhet=org.e4, beslutsdatum=D(2025, 1, 1), startdatum=D(2025, 2, 1)
    )
    klient = logga_in(cast.hanna)
    assert klient.get("/uppfoljning/ej-verkstallda/avbrott/").status_code == 200
    svar = klient.post("/uppfoljning/ej-verkstallda/avbrott/", {"insats": annan.pk, "fran": "2025-06-01"})
    assert svar.status_code == 200 and not EjVerkstalltBeslut.objects.exists()
    svar = klient.post("/uppfoljning/ej-verkstallda/avbrott/", {"insats": egen.pk, "fran": "2025-01-15"})
    assert svar.status_code == 200 and "efter startdatumet" in svar.content.decode()
    svar = klient.post("/uppfoljning/ej-verkstallda/avbrott/", {"insats": egen.pk, "fran": "2025-06-01"})
    assert svar.status_code == 302
    beslut = EjVerkstalltBeslut.objects.get()
    assert beslut.typ == "avbrott" and beslut.fran == D(2025, 6, 1) and beslut.namnd == org.n1
    assert logga_in(cast.lars).get("/uppfoljning/ej-verkstallda/avbrott/").status_code == 403
