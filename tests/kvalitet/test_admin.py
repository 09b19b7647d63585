"""Organisationen redigeras i admin; sökvägarna i delträdet följer med, och åtkomstloggen finns inte där."""

from django.urls import reverse

from kvalitet.models import Atkomstlogg, OrgNod


def test_admin_moves_area_and_units_follow(org, cast, client):
    cast.ada.is_superuser = True
    cast.ada.save()
    client.force_login(cast.ada)
    svar = client.post(
        reverse("admin:kvalitet_orgnod_change", args=[org.a2.pk]),
        {"typ": "verksamhetsomrade", "namn": "Område A2", "kod": "A2", "forelder": org.n2.pk, "aktiv": "on"},
    )
    assert svar.status_code == 302
    e3 = OrgNod.objects.get(pk=org.e3.pk)
    assert e3.sokvag == f"{org.n2.sokvag}{org.a2.pk}/{e3.pk}/"
    assert e3.history.first().history_user == cast.ada


def test_admin_refuses_unit_directly_under_committee(org, cast, client):
    cast.ada.is_superuser = True
    cast.ada.save()
    client.force_login(cast.ada)
    svar = client.post(
        reverse("admin:kvalitet_orgnod_add"),
        {"typ": "enhet", "namn": "Fel", "kod": "FEL", "forelder": org.n1.pk, "aktiv": "on"},
    )
    assert svar.status_code == 200
    assert "föräldern ska vara" in svar.content.decode()
    assert not OrgNod.objects.filter(kod="FEL").exists()


def test_access_log_is_not_in_the_admin_even_for_a_superuser(cast, brukare, client):
    # Loggen är personuppgifter (vem tittade på vem); admin ser inga, samordnaren läser den i Loggkontroll.
    cast.ada.is_superuser = True
    cast.ada.save()
    Atkomstlogg.objects.create(anvandare=cast.kim, brukare=brukare.b1, vad="test", sokvag="/brukare/")
    client.force_login(cast.ada)
    assert client.get("/admin/kvalitet/atkomstlogg/").status_code == 404
    assert (
        client.get(f"/admin/kvalitet/atkomstlogg/{Atkomstlogg.objects.get().pk}/change/").status_code == 404
    )
    assert "tkomstlogg" not in client.get(reverse("admin:index")).content.decode()


def test_admin_speaks_swedish_with_the_products_name(cast, client):
    cast.ada.is_superuser = True
    cast.ada.save()
    client.force_login(cast.ada)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Kvalitet – administration" in html and "Organisation, roller och grunddata" in html
    assert "Django administration" not in html and "Django-administration" not in html
