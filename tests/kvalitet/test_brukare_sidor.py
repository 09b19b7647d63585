"""Brukarsidorna: formulär med svenska fel som behåller det inskrivna, rollstyrda sidor, konstant antal frågor."""

from django.urls import reverse

from kvalitet.models import Brukare, Insats
from tests.factories import BrukareFactory, InsatsFactory


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
