"""Issue 19: inga felval i uppföljningen. Urvalet förhandsvisas och bekräftas (med bortval som sparas),
kontakt loggas för flera på en gång, förändringen kan rättas med historik, och handläggaren kan koppla
nämndens riskanalyser."""

import datetime

import pytest

from kvalitet.models import Atkomstlogg
from tests.factories import BrukareFactory, InsatsFactory
from tests.riskanalys.factories import RiskanalysFactory
from tests.uppfoljning.factories import ForandringFactory, arende
from uppfoljning import queries
from uppfoljning.models import Bortval, Forandring, Kontakt, Uppfoljningsarende

URVALSDAG = "2026-03-01"


@pytest.fixture
def forandring(org, cast):
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna, rubrik="Hemtjänsten minskas")
    f.enheter.set([org.e1])
    return f


def _url(f, vad="urval"):
    return f"/uppfoljning/forandringar/{f.pk}/{vad}/"


def _berorda(brukare):
    # b1, skyddad och skyddad_annan har hemtjänst vid E1 (fabrikens insats); b3 är vid E3.
    return [brukare.b1.pk, brukare.skyddad.pk, brukare.skyddad_annan.pk]


# --- förhandsvisning och bekräftelse -----------------------------------------------------------------


def test_preview_lists_the_affected_and_creates_nothing(logga_in, cast, brukare, forandring):
    svar = logga_in(cast.hanna).get(_url(forandring), {"datum": URVALSDAG})
    assert svar.status_code == 200
    text = svar.content.decode()
    assert "Greta Gran" in text and "Tore Tall" not in text
    for pk in _berorda(brukare):
        assert f'name="valda" value="{pk}" id="vald-{pk}" checked' in text
    assert not Uppfoljningsarende.objects.exists()
    assert not Bortval.objects.exists()


def test_preview_does_not_name_protected_identity_and_is_audit_logged(logga_in, cast, brukare, forandring):
    svar = logga_in(cast.kim).get(_url(forandring), {"datum": URVALSDAG})
    assert svar.status_code == 200
    text = svar.content.decode()
    # Kim (samordnare) handlägger ingen av de skyddade: varken namn eller personnummer syns.
    for b in (brukare.skyddad, brukare.skyddad_annan):
        assert b.fornamn not in text and b.efternamn not in text
        assert b.personnummer not in text and b.personnummer.replace("-", "") not in text
    assert text.count("Skyddad identitet") == 2
    loggade = set(
        Atkomstlogg.objects.filter(
            anvandare=cast.kim, vad="uppfoljning: förhandsvisning av urval"
        ).values_list("brukare_id", flat=True)
    )
    assert loggade == set(_berorda(brukare))


def test_confirm_creates_cases_only_for_the_checked_and_records_the_deselected(
    logga_in, cast, brukare, forandring
):
    klient = logga_in(cast.hanna)
    svar = klient.post(
        _url(forandring),
        {
            "datum": URVALSDAG,
            "visade": _berorda(brukare),
            "valda": [brukare.b1.pk, brukare.skyddad.pk],
            "skal": "Flyttar till särskilt boende i mars.",
        },
    )
    assert svar.status_code == 302
    assert set(Uppfoljningsarende.objects.values_list("brukare_id", flat=True)) == {
        brukare.b1.pk,
        brukare.skyddad.pk,
    }
    bortval = Bortval.objects.get()
    assert (bortval.forandring, bortval.brukare, bortval.av) == (
        forandring,
        brukare.skyddad_annan,
        cast.hanna,
    )
    assert bortval.skal == "Flyttar till särskilt boende i mars."
    assert bortval.urvalsdatum == datetime.date(2026, 3, 1)
    # Bortvalet står i förändringens historik, utan namnet för den som inte får se det.
    text = klient.get(f"/uppfoljning/forandringar/{forandring.pk}/").content.decode()
    assert "Valde bort en enskild vid urvalet 2026-03-01" in text
    assert "Flyttar till särskilt boende i mars." in text
    assert "Dold" not in text


def test_confirm_is_refused_when_the_selection_changed_since_the_preview(
    logga_in, cast, org, brukare, forandring
):
    ny = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna, fornamn="Ny", efternamn="Nilsson")
    InsatsFactory(brukare=ny, enhet=org.e1)
    svar = logga_in(cast.hanna).post(
        _url(forandring), {"datum": URVALSDAG, "visade": _berorda(brukare), "valda": _berorda(brukare)}
    )
    assert svar.status_code == 400
    text = svar.content.decode()
    assert "Listan över berörda har ändrats" in text and "Ny Nilsson" in text
    assert not Uppfoljningsarende.objects.exists() and not Bortval.objects.exists()


def test_confirm_with_garbage_ids_gives_a_swedish_message_not_500(logga_in, cast, brukare, forandring):
    svar = logga_in(cast.hanna).post(_url(forandring), {"datum": URVALSDAG, "visade": ["x"], "valda": ["1"]})
    assert svar.status_code == 400
    assert "ogiltigt värde" in svar.content.decode()
    assert not Uppfoljningsarende.objects.exists()


@pytest.mark.parametrize("datum", ["igår", "0001-01-01", "9999-12-31", ""])
def test_a_bad_preview_date_gives_the_form_again_not_500(logga_in, cast, brukare, forandring, datum):
    svar = logga_in(cast.hanna).get(_url(forandring), {"datum": datum})
    assert svar.status_code == 400
    assert f'value="{datum}"' in svar.content.decode() or not datum
    assert not Uppfoljningsarende.objects.exists()


def test_other_committee_cannot_preview_or_confirm(logga_in, cast, brukare, forandring):
    klient = logga_in(cast.hugo)
    assert klient.get(_url(forandring), {"datum": URVALSDAG}).status_code == 404
    alla = _berorda(brukare)
    assert (
        klient.post(_url(forandring), {"datum": URVALSDAG, "visade": alla, "valda": alla}).status_code == 404
    )
    assert not Uppfoljningsarende.objects.exists()


def test_preview_query_count_does_not_grow_with_rows(
    logga_in, cast, org, forandring, django_assert_max_num_queries
):
    for _ in range(30):
        InsatsFactory(brukare=BrukareFactory(namnd=org.n1, handlaggare=cast.hanna), enhet=org.e1)
    klient = logga_in(cast.hanna)
    with django_assert_max_num_queries(15):
        svar = klient.get(_url(forandring), {"datum": URVALSDAG})
    assert svar.status_code == 200 and svar.content.decode().count('name="valda"') == 30


# --- kontakt med flera -------------------------------------------------------------------------------


KONTAKT = {
    "flera-datum": "2026-03-04",
    "flera-kanal": "brev",
    "flera-med_vem": "enskild",
    "flera-vad_sades": "Brev om minskningen till alla berörda.",
}


def test_one_contact_is_logged_on_each_selected_case_and_coverage_counts_them(
    logga_in, cast, org, brukare, forandring
):
    a1, a2, a3 = (
        arende(b, forandring=forandring, nod=org.e1) for b in (brukare.b1, brukare.skyddad, brukare.b3)
    )
    klient = logga_in(cast.hanna)
    fore = queries.tackning(cast.kim, org.n1, None, None)
    svar = klient.post(_url(forandring, "kontakter"), {**KONTAKT, "flera-arenden": [a1.pk, a2.pk]})
    assert svar.status_code == 302
    assert sorted(Kontakt.objects.values_list("arende_id", flat=True)) == sorted([a1.pk, a2.pk])
    assert set(Kontakt.objects.values_list("kanal", "gjord_av", "vad_sades")) == {
        ("brev", cast.hanna.pk, "Brev om minskningen till alla berörda.")
    }
    for a in (a1, a2, a3):
        a.refresh_from_db()
    assert a1.forsta_kontakt == a2.forsta_kontakt == datetime.date(2026, 3, 4)
    assert a3.forsta_kontakt is None
    efter = queries.tackning(cast.kim, org.n1, None, None)
    assert efter["kontaktade"] - fore["kontaktade"] == 2


def test_indirect_contact_for_several_is_not_counted_as_contact(logga_in, cast, org, brukare, forandring):
    a1 = arende(brukare.b1, forandring=forandring, nod=org.e1)
    svar = logga_in(cast.hanna).post(
        _url(forandring, "kontakter"), {**KONTAKT, "flera-med_vem": "utforare", "flera-arenden": [a1.pk]}
    )
    assert svar.status_code == 302
    a1.refresh_from_db()
    assert a1.forsta_kontakt is None and a1.indirekt_kontakt == datetime.date(2026, 3, 4)


def test_a_case_outside_the_users_scope_is_refused_and_nothing_is_logged(logga_in, cast, org, brukare):
    egen = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    annan = ForandringFactory(nod=org.n2, skapad_av=cast.hugo)
    mitt = arende(brukare.b1, forandring=egen)
    hugos = arende(brukare.b4, forandring=annan)
    klient = logga_in(cast.hanna)
    svar = klient.post(_url(egen, "kontakter"), {**KONTAKT, "flera-arenden": [mitt.pk, hugos.pk]})
    assert svar.status_code == 400
    text = svar.content.decode()
    assert "kan du inte logga kontakter i" in text and "Bo Björk" not in text
    # Det inskrivna står kvar.
    assert "Brev om minskningen till alla berörda." in text
    assert not Kontakt.objects.exists()
    svar = klient.post(_url(egen, "kontakter"), {**KONTAKT, "flera-arenden": ["abc"]})
    assert svar.status_code == 400 and not Kontakt.objects.exists()
    svar = klient.post(_url(egen, "kontakter"), KONTAKT)
    assert svar.status_code == 400 and "Kryssa i minst en" in svar.content.decode()


def test_future_date_for_several_is_refused_for_all(logga_in, cast, org, brukare, forandring):
    a1 = arende(brukare.b1, forandring=forandring)
    svar = logga_in(cast.hanna).post(
        _url(forandring, "kontakter"), {**KONTAKT, "flera-datum": "2099-01-01", "flera-arenden": [a1.pk]}
    )
    assert svar.status_code == 400 and "framtiden" in svar.content.decode()
    assert f'value="{a1.pk}" id="flera-val-{a1.pk}"' in svar.content.decode()
    assert not Kontakt.objects.exists()


# --- rättelse med historik ---------------------------------------------------------------------------


def _rattelse(f, **andrat):
    return {
        "rubrik": f.rubrik,
        "typ": f.typ,
        "giltig_fran": f"{f.giltig_fran:%Y-%m-%d}",
        "giltig_till": "",
        "orsak": f.orsak,
        "beslutad_av": f.beslutad_av,
        "riskanalys": "",
        "version": str(f.version),
        **andrat,
    }


def test_change_is_corrected_and_the_history_shows_it(logga_in, cast, forandring):
    klient = logga_in(cast.hanna)
    assert klient.get(_url(forandring, "andra")).status_code == 200
    svar = klient.post(_url(forandring, "andra"), _rattelse(forandring, orsak="Rättad orsak: budgetbeslut."))
    assert svar.status_code == 302
    forandring.refresh_from_db()
    assert forandring.orsak == "Rättad orsak: budgetbeslut." and forandring.version == 1
    assert forandring.history.first().history_user == cast.hanna
    text = klient.get(f"/uppfoljning/forandringar/{forandring.pk}/").content.decode()
    assert "Rättade förändringen" in text
    assert "Smittspridning; lokalerna används för annat. → Rättad orsak: budgetbeslut." in text


def test_version_conflict_gives_the_swedish_message_and_keeps_the_typed_text(logga_in, cast, forandring):
    klient = logga_in(cast.hanna)
    assert (
        klient.post(_url(forandring, "andra"), _rattelse(forandring, rubrik="Kims rubrik")).status_code == 302
    )
    # Formuläret som öppnades före den sparningen bär version 0.
    svar = klient.post(
        _url(forandring, "andra"),
        _rattelse(forandring, rubrik="Min rubrik", orsak="Min egen text", version="0"),
    )
    assert svar.status_code == 400
    text = svar.content.decode()
    assert "Förändringen har ändrats" in text and "sedan du öppnade sidan" in text
    assert "Min egen text" in text and "Min rubrik" in text
    forandring.refresh_from_db()
    assert forandring.rubrik == "Kims rubrik" and forandring.version == 1


def test_correction_cannot_move_the_end_before_the_start(logga_in, cast, forandring):
    svar = logga_in(cast.hanna).post(
        _url(forandring, "andra"), _rattelse(forandring, giltig_till="2026-01-01", orsak="Behållen")
    )
    assert svar.status_code == 400
    assert "Slutdatum kan inte ligga före startdatum." in svar.content.decode()
    assert "Behållen" in svar.content.decode()


def test_other_committee_and_managers_cannot_correct(logga_in, cast, forandring):
    assert logga_in(cast.hugo).post(_url(forandring, "andra"), _rattelse(forandring)).status_code in (
        403,
        404,
    )
    assert logga_in(cast.erik).get(_url(forandring, "andra")).status_code == 403
    forandring.refresh_from_db()
    assert forandring.version == 0


# --- riskanalyser att koppla -------------------------------------------------------------------------


def test_case_officer_sees_the_committees_analyses_and_not_another_committees(logga_in, cast, org):
    n1 = RiskanalysFactory(nod=org.n1, skapad_av=cast.kim, titel="Nämndens analys N1")
    e1 = RiskanalysFactory(nod=org.e1, skapad_av=cast.erik, titel="Enhetens analys E1")
    RiskanalysFactory(nod=org.n2, skapad_av=cast.sofia, titel="Nämndens analys N2")
    klient = logga_in(cast.hanna)
    text = klient.get("/uppfoljning/forandringar/ny/").content.decode()
    assert "Nämndens analys N1" in text and "Enhetens analys E1" in text
    assert "Nämndens analys N2" not in text
    from riskanalys import queries as riskanalys_queries

    assert set(riskanalys_queries.valbara(cast.hanna)) == {n1, e1}
    # Att välja är inte att läsa: analysens innehåll är fortfarande chefernas och samordnarnas.
    assert klient.get(f"/riskanalys/{n1.pk}/").status_code in (403, 404)


def test_linked_analysis_removes_the_missing_analysis_flag(logga_in, cast, org):
    analys = RiskanalysFactory(nod=org.n1, skapad_av=cast.kim)
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    klient = logga_in(cast.hanna)
    assert klient.post(_url(f, "andra"), _rattelse(f, riskanalys=str(analys.pk))).status_code == 302
    assert Forandring.objects.get(pk=f.pk).riskanalys == analys
    assert "saknar riskanalys" not in klient.get(f"/uppfoljning/forandringar/{f.pk}/").content.decode()


def test_another_committees_analysis_cannot_be_posted(logga_in, cast, org):
    annan = RiskanalysFactory(nod=org.n2, skapad_av=cast.sofia)
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna)
    svar = logga_in(cast.hanna).post(_url(f, "andra"), _rattelse(f, riskanalys=str(annan.pk)))
    assert svar.status_code == 400
    assert Forandring.objects.get(pk=f.pk).riskanalys is None
