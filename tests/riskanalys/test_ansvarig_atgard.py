""" "Ansvarig" för en riskanalysåtgärd: giltig roll vid analysens nivå, ovanför den i nämnden eller under
den; aldrig en annan nämnd, admin eller en utgången roll, och ett sådant id i en POST sparar ingenting."""

import re

import pytest
from django.urls import reverse

from kvalitet.forms import ANSVARIG_UTANFOR
from riskanalys.models import Atgard
from tests.riskanalys.factories import AtgardFactory, RiskanalysFactory, RiskFactory


def _valda(html: str, namn: str) -> set[str]:
    select = re.search(rf'<select name="{namn}".*?</select>', html, re.S).group(0)
    return set(re.findall(r'<option value="(\d+)"', select))


def test_new_action_picker_lists_only_valid_roles_in_the_committee(org, cast, utgangen, logga_in):
    risk = RiskFactory(analys=RiskanalysFactory(nod=org.a1))
    html = logga_in(cast.vera).get(reverse("riskanalys:detalj", args=[risk.analys_id])).content.decode()
    valda = _valda(html, f"atgard-{risk.pk}-ansvarig")
    # Området A1 med enheterna under: E1:s personal och chef, områdets chef, nämndens handläggare och samordnare.
    assert valda == {str(u.pk) for u in (cast.pia, cast.erik, cast.vera, cast.hanna, cast.kim)}
    for user in (cast.hugo, cast.sofia, cast.lars, cast.ada, utgangen):
        assert str(user.pk) not in valda
    assert f"{cast.pia.get_full_name()} (Personal, Enhet E1)" in html


@pytest.mark.parametrize("vem", ["hugo", "ada", "utgangen"])
def test_posting_someone_outside_the_list_is_refused_and_keeps_the_text(org, cast, utgangen, logga_in, vem):
    user = utgangen if vem == "utgangen" else getattr(cast, vem)
    risk = RiskFactory(analys=RiskanalysFactory(nod=org.e1))
    p = f"atgard-{risk.pk}"
    svar = logga_in(cast.erik).post(
        reverse("riskanalys:atgard_ny", args=[risk.pk]),
        {f"{p}-text": "Ringa anhöriga", f"{p}-status": "planerad", f"{p}-ansvarig": user.pk},
    )
    html = svar.content.decode()
    assert ANSVARIG_UTANFOR in html and "Ringa anhöriga" in html
    assert not risk.atgarder.exists()


def test_edit_refuses_another_committees_user_but_keeps_a_saved_one_whose_role_expired(
    org, cast, utgangen, logga_in
):
    atgard = AtgardFactory(risk=RiskFactory(analys=RiskanalysFactory(nod=org.e1)), ansvarig=utgangen)
    url = reverse("riskanalys:atgard", args=[atgard.pk])
    p = f"a{atgard.pk}"
    data = {f"{p}-text": "Ny text", f"{p}-status": "planerad", f"{p}-version": "0"}
    klient = logga_in(cast.erik)
    svar = klient.post(url, {**data, f"{p}-ansvarig": cast.hugo.pk})
    assert ANSVARIG_UTANFOR in svar.content.decode() and "Ny text" in svar.content.decode()
    atgard.refresh_from_db()
    assert atgard.ansvarig == utgangen and atgard.text != "Ny text"
    # Den som redan står på åtgärden faller inte bort när annat ändras.
    assert klient.post(url, {**data, f"{p}-ansvarig": utgangen.pk}).status_code == 302
    atgard.refresh_from_db()
    assert atgard.text == "Ny text" and Atgard.objects.get(pk=atgard.pk).ansvarig == utgangen
