"""Varje roll ser sin del och inget annat: i listor, via detaljadress med annat id och i sökning."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from kvalitet import access, queries
from kvalitet.models import Brukare, Insats, OrgNod


def synliga(user, atgard=access.LASA):
    return set(access.scope(user, Brukare, atgard).values_list("pk", flat=True))


def test_each_role_sees_exactly_its_brukare(cast, brukare):
    b = brukare
    n1_alla = {b.b1.pk, b.b3.pk, b.skyddad.pk, b.skyddad_annan.pk}
    assert synliga(cast.hanna) == n1_alla
    assert synliga(cast.kim) == n1_alla
    assert synliga(cast.hugo) == {b.b4.pk}
    assert synliga(cast.sofia) == {b.b4.pk}
    # Enhetschefen för E1 ser brukare med insats vid E1, inte E3 eller N2.
    assert synliga(cast.erik) == {b.b1.pk, b.skyddad.pk, b.skyddad_annan.pk}
    assert synliga(cast.elsa) == {b.b3.pk}
    # Verksamhetschefen för A1 (E1, E2) ser samma som E1:s chef.
    assert synliga(cast.vera) == {b.b1.pk, b.skyddad.pk, b.skyddad_annan.pk}
    for ingen in (cast.pia, cast.lars, cast.ada, cast.utan):
        assert synliga(ingen) == set()


def test_personal_may_pick_brukare_at_own_unit_but_not_open_them(cast, brukare):
    assert synliga(cast.pia, access.VALJA) == {brukare.b1.pk, brukare.skyddad.pk, brukare.skyddad_annan.pk}
    assert synliga(cast.pia, access.LASA) == set()


def test_only_case_officers_and_coordinators_may_change(cast, brukare):
    assert synliga(cast.erik, access.ANDRA) == set()
    assert brukare.b1.pk in synliga(cast.hanna, access.ANDRA)
    assert brukare.b4.pk not in synliga(cast.hanna, access.ANDRA)


def test_insatser_follow_the_same_scope(cast, brukare):
    def ins(user):
        return set(access.scope(user, Insats).values_list("brukare_id", flat=True))

    assert ins(cast.elsa) == {brukare.b3.pk}
    assert ins(cast.hugo) == {brukare.b4.pk}
    assert ins(cast.lars) == set()


@pytest.mark.parametrize("namn", ["pia", "erik", "elsa", "vera", "hugo", "sofia", "lars", "ada", "utan"])
def test_detail_url_outside_scope_gives_404_without_data(namn, cast, brukare, logga_in):
    user = getattr(cast, namn)
    klient = logga_in(user)
    for b in (brukare.b1, brukare.b3, brukare.b4):
        svar = klient.get(reverse("kvalitet:brukare", args=[b.pk]))
        if b.pk in synliga(user):
            assert svar.status_code == 200
        else:
            assert svar.status_code == 404
            assert b.efternamn not in svar.content.decode()
            assert b.personnummer[:8] not in svar.content.decode()


def test_detail_url_with_unknown_or_garbage_id_is_404(cast, logga_in):
    klient = logga_in(cast.hanna)
    assert klient.get("/brukare/999999/").status_code == 404
    assert klient.get("/brukare/abc/").status_code == 404


def test_list_page_shows_only_own_scope(cast, brukare, logga_in):
    html = logga_in(cast.hugo).get(reverse("kvalitet:brukare_lista")).content.decode()
    assert "Björk" in html
    assert "Gran" not in html and "Tall" not in html


def test_search_respects_scope_and_protected_identity(cast, brukare):
    assert list(queries.brukare_sok(cast.hugo, "Gran")) == []
    assert list(queries.brukare_sok(cast.hanna, "Gran")) == [brukare.b1]
    # Skyddad: bara handläggaren själv hittar personen på namn eller nummer.
    assert list(queries.brukare_sok(cast.hanna, "Hemlig")) == [brukare.skyddad]
    assert list(queries.brukare_sok(cast.kim, "Hemlig")) == []
    assert list(queries.brukare_sok(cast.kim, brukare.skyddad.personnummer)) == []
    assert list(queries.brukare_sok(cast.erik, "Doldsson")) == []


def test_protected_identity_is_hidden_on_pages_for_others(cast, brukare, logga_in):
    url = reverse("kvalitet:brukare", args=[brukare.skyddad.pk])
    html_kim = logga_in(cast.kim).get(url).content.decode()
    assert "Hemlig" not in html_kim and brukare.skyddad.personnummer[:8] not in html_kim
    assert "Skyddad identitet" in html_kim
    html_hanna = logga_in(cast.hanna).get(url).content.decode()
    assert "Hemlig" in html_hanna


def test_org_tree_scope_includes_subtree(cast, org):
    assert access.noder(cast.vera, access.VERKSAMHETSCHEF) == {org.a1.pk, org.e1.pk, org.e2.pk}
    assert access.noder(cast.kim, access.KVALITETSSAMORDNARE) == {
        org.n1.pk,
        org.a1.pk,
        org.a2.pk,
        org.e1.pk,
        org.e2.pk,
        org.e3.pk,
    }


def test_expired_role_gives_no_access(cast, brukare):
    import datetime

    cast.hugo.roller.update(giltig_till=datetime.date(2020, 1, 1))
    access.glom_behorighet(cast.hugo)
    assert synliga(cast.hugo) == set()


def test_model_without_rule_is_refused_not_shown(cast):
    from django.contrib.auth.models import Group

    with pytest.raises(ImproperlyConfigured):
        access.scope(cast.kim, Group)


def test_anonymous_gets_nothing(brukare):
    from django.contrib.auth.models import AnonymousUser

    assert access.scope(AnonymousUser(), Brukare).count() == 0
    assert access.scope(AnonymousUser(), OrgNod).count() == 0


def test_anonymous_is_sent_to_login(client, brukare):
    svar = client.get(reverse("kvalitet:brukare", args=[brukare.b1.pk]))
    assert svar.status_code == 302 and svar.url.startswith("/login/")


def test_unit_manager_sees_insatser_ended_within_a_year_like_brukare(cast, org):
    import datetime

    from django.utils import timezone

    from tests.factories import BrukareFactory, InsatsFactory

    idag = timezone.localdate()
    b = BrukareFactory(namnd=org.n1)
    beslut = idag - datetime.timedelta(days=900)
    nyss = InsatsFactory(
        brukare=b,
        enhet=org.e1,
        beslutsdatum=beslut,
        startdatum=beslut,
        slutdatum=idag - datetime.timedelta(days=100),
    )
    gammal = InsatsFactory(
        brukare=b,
        enhet=org.e1,
        beslutsdatum=beslut,
        startdatum=beslut,
        slutdatum=idag - datetime.timedelta(days=400),
    )
    synliga_insatser = set(access.scope(cast.erik, Insats).values_list("pk", flat=True))
    assert nyss.pk in synliga_insatser and gammal.pk not in synliga_insatser
    # Kvalitetssamordnaren (nämnden) ser fortfarande båda.
    assert {nyss.pk, gammal.pk} <= set(access.scope(cast.kim, Insats).values_list("pk", flat=True))
