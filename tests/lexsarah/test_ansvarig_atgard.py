""" "Ansvarig" för en lex Sarah-åtgärd: samma urval som för avvikelser (giltig roll vid enheten eller
ovanför i nämnden), och ett annat id i en POST ger ett svenskt fel utan att något sparas."""

import re

import pytest
from django.urls import reverse

from kvalitet.forms import ANSVARIG_UTANFOR
from lexsarah import services
from lexsarah.models import Atgard
from tests.lexsarah.factories import RapportFactory


def _valda(html: str) -> set[str]:
    select = re.search(r'<select name="ansvarig".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="(\d+)"', select))


@pytest.fixture
def rapport(org, cast):
    return services.rapport_lamna(rapport=RapportFactory.build(enhet=org.e1), av=cast.pia)


def test_picker_lists_only_valid_roles_in_the_committee(org, cast, rapport, utgangen, logga_in):
    html = logga_in(cast.kim).get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    valda = _valda(html)
    assert valda == {str(u.pk) for u in (cast.pia, cast.erik, cast.vera, cast.hanna, cast.kim)}
    for user in (cast.hugo, cast.sofia, cast.lars, cast.ada, cast.elsa, utgangen):
        assert str(user.pk) not in valda
    assert f"{cast.erik.get_full_name()} (Enhetschef, Enhet E1)" in html


@pytest.mark.parametrize("vem", ["sofia", "ada", "utgangen"])
def test_posting_someone_outside_the_list_is_refused_and_keeps_the_text(
    cast, rapport, utgangen, logga_in, vem
):
    user = utgangen if vem == "utgangen" else getattr(cast, vem)
    svar = logga_in(cast.kim).post(
        reverse("lexsarah:atgard", args=[rapport.pk]),
        {"typ": "forebyggande", "text": "Utbilda nattpersonalen", "ansvarig": user.pk},
    )
    html = svar.content.decode()
    assert svar.status_code == 400
    assert ANSVARIG_UTANFOR in html and "Utbilda nattpersonalen" in html
    assert not Atgard.objects.filter(rapport=rapport).exists()


def test_a_listed_person_is_saved(cast, rapport, logga_in):
    svar = logga_in(cast.kim).post(
        reverse("lexsarah:atgard", args=[rapport.pk]),
        {"typ": "forebyggande", "text": "Utbilda", "ansvarig": cast.erik.pk},
    )
    assert svar.status_code == 302
    assert Atgard.objects.get(rapport=rapport).ansvarig == cast.erik
