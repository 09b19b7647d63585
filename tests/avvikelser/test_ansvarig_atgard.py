""" "Ansvarig" för en åtgärd på en avvikelse: bara personer med en giltig roll vid enheten eller ovanför i
samma nämnd listas (namn och roll), och ett annat id i en POST ger ett svenskt fel utan att något sparas."""

import re

import pytest
from django.urls import reverse

from avvikelser.models import Atgard
from kvalitet.forms import ANSVARIG_UTANFOR
from tests.avvikelser.test_avvikelser import _rapportera


def _valda(html: str) -> set[str]:
    select = re.search(r'<select name="ansvarig".*?</select>', html, re.S).group(0)
    return {v for v in re.findall(r'<option value="(\d+)"', select)}


def test_picker_lists_only_valid_roles_in_the_committee_by_name_and_role(org, cast, utgangen, logga_in):
    a = _rapportera(cast.pia, org.e1)
    html = logga_in(cast.erik).get(reverse("avvikelser:detalj", args=[a.pk])).content.decode()
    valda = _valda(html)
    assert valda == {str(u.pk) for u in (cast.pia, cast.erik, cast.vera, cast.hanna, cast.kim)}
    for user in (cast.hugo, cast.sofia, cast.lars, cast.ada, cast.elsa, utgangen):
        assert str(user.pk) not in valda
    assert f"{cast.vera.get_full_name()} (Verksamhetschef, Område A1)" in html


@pytest.mark.parametrize("vem", ["hugo", "ada", "utgangen"])
def test_posting_someone_outside_the_list_is_refused_and_keeps_the_text(org, cast, utgangen, logga_in, vem):
    user = utgangen if vem == "utgangen" else getattr(cast, vem)
    a = _rapportera(cast.pia, org.e1)
    svar = logga_in(cast.erik).post(
        reverse("avvikelser:atgard", args=[a.pk]), {"text": "Ny rutin för nattillsyn", "ansvarig": user.pk}
    )
    html = svar.content.decode()
    assert svar.status_code == 400
    assert ANSVARIG_UTANFOR in html and "Ny rutin för nattillsyn" in html
    assert not Atgard.objects.filter(avvikelse=a).exists()


def test_a_listed_person_is_saved(org, cast, logga_in):
    a = _rapportera(cast.pia, org.e1)
    svar = logga_in(cast.erik).post(
        reverse("avvikelser:atgard", args=[a.pk]), {"text": "Ny rutin", "ansvarig": cast.vera.pk}
    )
    assert svar.status_code == 302
    assert Atgard.objects.get(avvikelse=a).ansvarig == cast.vera
