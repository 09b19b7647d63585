"""Organisationen redigeras i admin; sökvägarna i delträdet följer med, och loggen är skrivskyddad där."""

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


def test_access_log_is_read_only_in_admin(cast, brukare, client):
    cast.ada.is_superuser = True
    cast.ada.save()
    post = Atkomstlogg.objects.create(anvandare=cast.kim, brukare=brukare.b1, vad="test")
    client.force_login(cast.ada)
    assert client.get(reverse("admin:kvalitet_atkomstlogg_add")).status_code == 403
    assert (
        client.post(reverse("admin:kvalitet_atkomstlogg_delete", args=[post.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Atkomstlogg.objects.filter(pk=post.pk).exists()
