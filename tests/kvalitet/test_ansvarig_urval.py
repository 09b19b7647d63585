"""Den gemensamma funktionen för "Ansvarig" (queries.mojliga_ansvariga): giltiga roller på postens nod eller
ovanför inom samma nämnd; aldrig en annan nämnd, ledning, admin eller en roll som gått ut eller inte börjat."""

import datetime

import pytest
from django.utils import timezone

from kvalitet import queries
from kvalitet.forms import ANSVARIG_UTANFOR, AnsvarigVal
from tests.factories import RollFactory, UserFactory


@pytest.fixture
def tidsbegransade(org):
    idag = timezone.localdate()
    utgangen = UserFactory(username="utgangen", first_name="Ulla", last_name="Utgången")
    RollFactory(
        anvandare=utgangen, roll="enhetschef", nod=org.e1, giltig_till=idag - datetime.timedelta(days=1)
    )
    kommande = UserFactory(username="kommande", first_name="Kalle", last_name="Kommande")
    RollFactory(
        anvandare=kommande, roll="enhetschef", nod=org.e1, giltig_fran=idag + datetime.timedelta(days=1)
    )
    giltig = UserFactory(username="giltig", first_name="Gun", last_name="Giltig")
    RollFactory(
        anvandare=giltig,
        roll="personal",
        nod=org.e1,
        giltig_fran=idag - datetime.timedelta(days=10),
        giltig_till=idag,
    )
    inaktiv = UserFactory(username="inaktiv", first_name="Ina", is_active=False)
    RollFactory(anvandare=inaktiv, roll="personal", nod=org.e1)
    return utgangen, kommande, giltig, inaktiv


def test_only_valid_roles_at_the_node_or_above_within_the_committee(org, cast, tidsbegransade):
    utgangen, kommande, giltig, inaktiv = tidsbegransade
    valda = set(queries.mojliga_ansvariga(org.e1))
    assert valda == {cast.pia, cast.erik, cast.vera, cast.hanna, cast.kim, giltig}
    # Inte: enhetschefen för en annan enhet, den andra nämnden, ledningen, admin, utgångna och inaktiva.
    for user in (cast.elsa, cast.hugo, cast.sofia, cast.lars, cast.ada, utgangen, kommande, inaktiv):
        assert user not in valda


def test_with_subtree_includes_the_units_below_but_not_the_other_committee(org, cast):
    valda = set(queries.mojliga_ansvariga(org.a1, och_under=True))
    assert {cast.pia, cast.erik, cast.vera, cast.hanna, cast.kim} <= valda
    assert not valda & {cast.elsa, cast.hugo, cast.sofia, cast.lars, cast.ada}


def test_even_a_committee_level_admin_or_management_role_is_never_offered(org, cast):
    RollFactory(anvandare=cast.ada, roll="admin", nod=org.n1)
    RollFactory(anvandare=cast.lars, roll="ledning", nod=org.n1)
    valda = set(queries.mojliga_ansvariga(org.e1))
    assert cast.ada not in valda and cast.lars not in valda


def test_field_shows_full_name_and_role_and_refuses_others(org, cast):
    falt = AnsvarigVal(nod=org.e1)
    etiketter = dict((str(v), t) for v, t in falt.choices if v)
    assert etiketter[str(cast.erik.pk)] == f"{cast.erik.get_full_name()} (Enhetschef, Enhet E1)"
    assert etiketter[str(cast.kim.pk)] == f"{cast.kim.get_full_name()} (Kvalitetssamordnare, Nämnd N1)"
    assert "erik" not in etiketter.values()
    from django.core.exceptions import ValidationError

    for user in (cast.hugo, cast.ada):
        with pytest.raises(ValidationError) as fel:
            falt.clean(str(user.pk))
        assert fel.value.messages == [ANSVARIG_UTANFOR]


def test_labels_cost_one_query_for_all_choices(org, cast, django_assert_num_queries):
    falt = AnsvarigVal(nod=org.e1)
    # Antalet (list() frågar Djangos valiterator om längden), personerna och alla deras roller: inte en per person.
    with django_assert_num_queries(3):
        val = list(falt.choices)
    assert len(val) == 6  # tomt val + fem personer
