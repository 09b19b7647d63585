"""Brukarsidorna: formulär med svenska fel som behåller det inskrivna, rollstyrda sidor, konstant antal frågor."""

import datetime

import pytest
from django.urls import reverse

from kvalitet.models import Atkomstlogg, Brukare, Insats
from kvalitet.services import BRUKARE_KAN_INTE_SPARAS
from tests.factories import BrukareFactory, InsatsFactory, RollFactory, UserFactory, giltigt_personnummer


def test_invalid_personnummer_returns_form_with_swedish_error_and_values_kept(cast, org, logga_in):
    svar = logga_in(cast.hanna).post(
        reverse("kvalitet:brukare_ny"),
        {"personnummer": "19811218-9875", "fornamn": "Märta", "efternamn": "Östlund", "namnd": org.n1.pk},
    )
    html = svar.content.decode()
    assert svar.status_code == 200
    assert "Kontrollsiffran stämmer inte" in html
    assert 'value="Märta"' in html and 'value="Östlund"' in html and 'value="19811218-9875"' in html
    assert not Brukare.objects.exists()


def test_case_officer_registers_brukare_with_normalised_number(cast, org, logga_in):
    svar = logga_in(cast.hanna).post(
        reverse("kvalitet:brukare_ny"),
        {"personnummer": "811218-9876", "fornamn": "Märta", "efternamn": "Östlund", "namnd": org.n1.pk},
    )
    b = Brukare.objects.get()
    assert svar.url == reverse("kvalitet:brukare", args=[b.pk])
    assert b.personnummer == "198112189876"
    assert b.history.first().history_user == cast.hanna


def test_brukare_cannot_be_placed_in_another_committee(cast, org, logga_in):
    svar = logga_in(cast.hanna).post(
        reverse("kvalitet:brukare_ny"),
        {"personnummer": "811218-9876", "fornamn": "A", "efternamn": "B", "namnd": org.n2.pk},
    )
    assert svar.status_code == 200 and "Välj ett giltigt alternativ" in svar.content.decode()
    assert not Brukare.objects.exists()


def test_duplicate_number_is_refused(cast, org, brukare, logga_in):
    svar = logga_in(cast.hanna).post(
        reverse("kvalitet:brukare_ny"),
        {"personnummer": brukare.b1.personnummer, "fornamn": "A", "efternamn": "B", "namnd": org.n1.pk},
    )
    assert "Det finns redan en brukare med det numret." in svar.content.decode()


def test_roles_without_case_work_cannot_register(cast, logga_in):
    for user in (cast.pia, cast.erik, cast.lars, cast.ada):
        assert logga_in(user).get(reverse("kvalitet:brukare_ny")).status_code == 403


def test_insats_dates_are_checked(cast, org, brukare, logga_in):
    from kvalitet.models import Insatstyp

    svar = logga_in(cast.hanna).post(
        reverse("kvalitet:insats_ny", args=[brukare.b1.pk]),
        {
            "typ": Insatstyp.objects.get(namn="Hemtjänst").pk,
            "enhet": org.e1.pk,
            "beslutsdatum": "2026-03-01",
            "startdatum": "2026-02-01",
        },
    )
    assert "Verkställighetsdatum kan inte ligga före beslutsdatum." in svar.content.decode()
    assert Insats.objects.filter(brukare=brukare.b1).count() == 1


def test_brukare_list_query_count_does_not_grow_with_rows(cast, org, logga_in, django_assert_max_num_queries):
    klient = logga_in(cast.kim)
    for _ in range(5):
        InsatsFactory(brukare=BrukareFactory(namnd=org.n1, handlaggare=cast.hanna), enhet=org.e1)
    with django_assert_max_num_queries(12):
        assert klient.get(reverse("kvalitet:brukare_lista")).status_code == 200
    for _ in range(30):
        InsatsFactory(brukare=BrukareFactory(namnd=org.n1, handlaggare=cast.hanna), enhet=org.e1)
    with django_assert_max_num_queries(12):
        assert klient.get(reverse("kvalitet:brukare_lista")).status_code == 200


def test_every_role_can_open_start_page_and_organisation(cast, logga_in):
    for namn in ("pia", "erik", "vera", "hanna", "kim", "lars", "ada", "utan"):
        klient = logga_in(getattr(cast, namn))
        assert klient.get(reverse("kvalitet:start")).status_code == 200
        assert "Enhet E1" in klient.get(reverse("kvalitet:organisation")).content.decode()


def test_start_page_shows_unread_notifications_for_me_only(cast, logga_in):
    from kvalitet import services

    services.notifikation_skapa(nyckel="a", mottagare=cast.erik, rubrik="Till Erik")
    services.notifikation_skapa(nyckel="b", mottagare=cast.elsa, rubrik="Till Elsa")
    html = logga_in(cast.erik).get(reverse("kvalitet:start")).content.decode()
    assert "Till Erik" in html and "Till Elsa" not in html


def test_marking_someone_elses_notification_is_404(cast, logga_in):
    from kvalitet import services

    notis = services.notifikation_skapa(nyckel="b", mottagare=cast.elsa, rubrik="Till Elsa")
    assert logga_in(cast.erik).post(reverse("kvalitet:notifikation_last", args=[notis.pk])).status_code == 404
    notis.refresh_from_db()
    assert notis.last is None


def test_seed_demo_is_idempotent(db):
    from django.core.management import call_command

    from kvalitet.models import OrgNod

    call_command("seed_demo", "--utan-appar")
    antal = (OrgNod.objects.count(), Brukare.objects.count(), Insats.objects.count())
    call_command("seed_demo", "--utan-appar")
    assert (OrgNod.objects.count(), Brukare.objects.count(), Insats.objects.count()) == antal
    assert antal[1] == 300 and OrgNod.objects.filter(typ="enhet").count() == 20


# --- skyddad identitet i ändringsvägarna ------------------------------------------------------------

MARKOR_FORNAMN, MARKOR_EFTERNAMN = "Zelmamarkor", "Qvistmarkor"


@pytest.fixture
def henrik(org):
    """En andra handläggare i N1, som inte har det skyddade ärendet."""
    return RollFactory(
        anvandare=UserFactory(username="henrik", first_name="Henrik"), roll="handlaggare", nod=org.n1
    ).anvandare


@pytest.fixture
def skyddad(org, cast):
    """Hannas ärende med skyddad identitet; namn och nummer är markörer som söks i hela svaret."""
    return BrukareFactory(
        namnd=org.n1,
        handlaggare=cast.hanna,
        skyddad_identitet=True,
        fornamn=MARKOR_FORNAMN,
        efternamn=MARKOR_EFTERNAMN,
        personnummer=giltigt_personnummer(datetime.date(1937, 3, 14)),
    )


def _utan_identitet(html: str, b) -> None:
    for markor in (
        MARKOR_FORNAMN,
        MARKOR_EFTERNAMN,
        b.personnummer[:8],
        b.personnummer[2:8],
        b.personnummer[8:],
    ):
        assert markor not in html, markor


def test_other_officer_edit_form_of_protected_person_contains_no_identity(cast, skyddad, henrik, logga_in):
    for user in (cast.kim, henrik):
        svar = logga_in(user).get(reverse("kvalitet:brukare_andra", args=[skyddad.pk]))
        html = svar.content.decode()
        assert svar.status_code == 200
        _utan_identitet(html, skyddad)
        for falt in ("personnummer", "fornamn", "efternamn", "handlaggare", "skyddad_identitet"):
            assert f'name="{falt}"' not in html, falt


def test_other_officer_cannot_take_over_or_unprotect_or_rename_through_edit_form(
    cast, org, skyddad, henrik, logga_in
):
    svar = logga_in(henrik).post(
        reverse("kvalitet:brukare_andra", args=[skyddad.pk]),
        {
            "personnummer": giltigt_personnummer(),
            "fornamn": "Ny",
            "efternamn": "Namn",
            "namnd": org.n1.pk,
            "handlaggare": henrik.pk,
            "version": "0",
        },
    )
    assert svar.status_code == 302
    skyddad.refresh_from_db()
    assert skyddad.handlaggare == cast.hanna and skyddad.skyddad_identitet
    assert (skyddad.fornamn, skyddad.efternamn) == (MARKOR_FORNAMN, MARKOR_EFTERNAMN)


def test_own_officer_edits_identity_but_not_handover_or_protection_in_edit_form(cast, org, skyddad, logga_in):
    klient = logga_in(cast.hanna)
    html = klient.get(reverse("kvalitet:brukare_andra", args=[skyddad.pk])).content.decode()
    assert MARKOR_FORNAMN in html and 'name="personnummer"' in html
    assert 'name="handlaggare"' not in html and 'name="skyddad_identitet"' not in html
    klient.post(
        reverse("kvalitet:brukare_andra", args=[skyddad.pk]),
        {
            "personnummer": skyddad.personnummer,
            "fornamn": "Zelma",
            "efternamn": MARKOR_EFTERNAMN,
            "namnd": org.n1.pk,
            "handlaggare": "",
            "version": "0",
        },
    )
    skyddad.refresh_from_db()
    assert skyddad.fornamn == "Zelma" and skyddad.handlaggare == cast.hanna and skyddad.skyddad_identitet


def test_own_officer_hands_protected_case_to_colleague_with_logged_reason(cast, skyddad, henrik, logga_in):
    klient = logga_in(cast.hanna)
    url = reverse("kvalitet:brukare_overlamna", args=[skyddad.pk])
    assert url in klient.get(reverse("kvalitet:brukare", args=[skyddad.pk])).content.decode()
    svar = klient.post(url, {"handlaggare": henrik.pk, "motivering": "Byter arbetsområde", "version": "0"})
    assert svar.status_code == 302
    skyddad.refresh_from_db()
    assert skyddad.handlaggare == henrik
    senaste = skyddad.history.first()
    assert (senaste.history_user, senaste.history_change_reason) == (cast.hanna, "Byter arbetsområde")
    assert Atkomstlogg.objects.filter(
        anvandare=cast.hanna, brukare=skyddad, vad__contains="överlämnat till henrik"
    ).exists()
    # Hanna har inte längre ärendet och ser då inte heller identiteten.
    _utan_identitet(klient.get(reverse("kvalitet:brukare", args=[skyddad.pk])).content.decode(), skyddad)


def test_handover_without_reason_is_refused_with_swedish_message_and_choice_kept(
    cast, skyddad, henrik, logga_in
):
    svar = logga_in(cast.hanna).post(
        reverse("kvalitet:brukare_overlamna", args=[skyddad.pk]),
        {"handlaggare": henrik.pk, "motivering": " ", "version": "0"},
    )
    html = svar.content.decode()
    assert svar.status_code == 200 and "Skriv en motivering." in html
    assert f'value="{henrik.pk}" selected' in html
    skyddad.refresh_from_db()
    assert skyddad.handlaggare == cast.hanna


def test_handover_is_refused_for_others_while_the_case_has_an_officer(cast, skyddad, henrik, logga_in):
    url = reverse("kvalitet:brukare_overlamna", args=[skyddad.pk])
    for user in (cast.kim, henrik):
        klient = logga_in(user)
        assert klient.get(url).status_code == 403
        assert klient.post(url, {"handlaggare": henrik.pk, "motivering": "Tar över"}).status_code == 403
    skyddad.refresh_from_db()
    assert skyddad.handlaggare == cast.hanna


def test_coordinator_appoints_officer_for_protected_case_without_one_without_seeing_identity(
    cast, skyddad, henrik, logga_in
):
    skyddad.handlaggare = None
    skyddad.save()
    klient = logga_in(cast.kim)
    url = reverse("kvalitet:brukare_overlamna", args=[skyddad.pk])
    html = klient.get(url).content.decode()
    _utan_identitet(html, skyddad)
    assert (
        klient.post(
            url, {"handlaggare": henrik.pk, "motivering": "Ny handläggare", "version": "0"}
        ).status_code
        == 302
    )
    skyddad.refresh_from_db()
    assert skyddad.handlaggare == henrik


def test_coordinator_lifts_protection_with_logged_reason_without_seeing_identity(cast, skyddad, logga_in):
    klient = logga_in(cast.kim)
    url = reverse("kvalitet:brukare_hav_skydd", args=[skyddad.pk])
    html = klient.get(url).content.decode()
    assert "Häv skyddad identitet" in html
    _utan_identitet(html, skyddad)
    fel = klient.post(url, {"motivering": ""})
    assert fel.status_code == 200 and skyddad.__class__.objects.get(pk=skyddad.pk).skyddad_identitet
    assert (
        klient.post(
            url, {"motivering": "Skyddet har upphört enligt Skatteverket", "version": "0"}
        ).status_code
        == 302
    )
    skyddad.refresh_from_db()
    assert not skyddad.skyddad_identitet
    assert skyddad.history.first().history_change_reason == "Skyddet har upphört enligt Skatteverket"
    assert Atkomstlogg.objects.filter(anvandare=cast.kim, brukare=skyddad, vad__contains="hävd").exists()


def test_other_officer_cannot_lift_protection(cast, skyddad, henrik, logga_in):
    url = reverse("kvalitet:brukare_hav_skydd", args=[skyddad.pk])
    assert logga_in(henrik).post(url, {"motivering": "Vill se namnet"}).status_code == 403
    assert logga_in(cast.hugo).post(url, {"motivering": "Vill se namnet"}).status_code == 404
    skyddad.refresh_from_db()
    assert skyddad.skyddad_identitet


def test_number_of_hidden_person_gets_one_generic_answer_not_already_exists(
    cast, org, brukare, skyddad, logga_in
):
    svar_annan_namnd = logga_in(cast.hugo).post(
        reverse("kvalitet:brukare_ny"),
        {"personnummer": brukare.b1.personnummer, "fornamn": "Märta", "efternamn": "Ny", "namnd": org.n2.pk},
    )
    svar_skyddad = logga_in(cast.kim).post(
        reverse("kvalitet:brukare_ny"),
        {"personnummer": skyddad.personnummer, "fornamn": "Märta", "efternamn": "Ny", "namnd": org.n1.pk},
    )
    for svar in (svar_annan_namnd, svar_skyddad):
        html = svar.content.decode()
        assert svar.status_code == 200
        assert "Det finns redan" not in html
        assert BRUKARE_KAN_INTE_SPARAS in html
        assert 'value="Märta"' in html
        assert "Gran" not in html and MARKOR_FORNAMN not in html
    assert Brukare.objects.filter(fornamn="Märta").count() == 0


def test_duplicate_number_reaching_the_service_gives_generic_message_not_django_unique(org, brukare):
    from django.core.exceptions import ValidationError

    from kvalitet import services

    ny = Brukare(personnummer=brukare.b4.personnummer, fornamn="A", efternamn="B", namnd=org.n1)
    with pytest.raises(ValidationError) as fel:
        services.brukare_spara(brukare=ny, av=None)
    assert fel.value.messages == [BRUKARE_KAN_INTE_SPARAS]
