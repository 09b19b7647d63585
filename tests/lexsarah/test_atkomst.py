"""Varje roll ser exakt sin del av lex Sarah-ärendena."""

import pytest
from django.urls import reverse

from kvalitet import access
from kvalitet.models import Atkomstlogg
from lexsarah import queries
from lexsarah.models import Rapport
from tests.lexsarah.factories import AtgardFactory, RapportFactory


@pytest.fixture
def rapporter(org, cast, brukare):
    return {
        "e1": RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.b1),
        "e3": RapportFactory(enhet=org.e3, rapporterad_av=cast.elsa),
        "e4": RapportFactory(enhet=org.e4, rapporterad_av=cast.hugo, brukare=brukare.b4),
    }


def _synliga(user, atgard=access.LASA):
    return set(access.scope(user, Rapport, atgard).values_list("enhet__kod", flat=True))


def test_each_role_sees_exactly_its_part(cast, rapporter):
    innehall = access.LEXSARAH_INNEHALL
    assert _synliga(cast.kim, innehall) == {"E1", "E3"}
    assert _synliga(cast.sofia, innehall) == {"E4"}
    assert _synliga(cast.erik, innehall) == {"E1"}
    assert _synliga(cast.vera, innehall) == {"E1"}
    assert _synliga(cast.elsa, innehall) == {"E3"}
    for roll in (cast.pia, cast.hanna, cast.hugo, cast.lars, cast.ada, cast.utan):
        assert _synliga(roll, innehall) == set()


def test_reporter_gets_only_own_report_row_and_only_investigators_may_change(cast, rapporter):
    assert _synliga(cast.pia) == {"E1"}
    assert _synliga(cast.hugo) == {"E4"}  # egen rapport, bara status
    assert _synliga(cast.kim, access.ANDRA) == {"E1", "E3"}
    assert _synliga(cast.erik, access.ANDRA) == set()


def test_management_sees_only_statistics_and_admin_nothing(cast, org, rapporter):
    assert queries.antal_per_ar(cast.lars, org.k, rapporter["e1"].rapporterad.year) == 3
    assert _synliga(cast.lars) == set()
    assert queries.antal_per_ar(cast.ada, org.k, rapporter["e1"].rapporterad.year) == 0
    assert _synliga(cast.ada) == set()


def test_reporter_sees_only_status_of_own_report(cast, rapporter, logga_in):
    svar = logga_in(cast.pia).get(reverse("lexsarah:detalj", args=[rapporter["e1"].pk]))
    assert svar.status_code == 200
    html = svar.content.decode()
    assert "Status:" in html and rapporter["e1"].beskrivning not in html
    assert logga_in(cast.pia).get(reverse("lexsarah:detalj", args=[rapporter["e3"].pk])).status_code == 404


def test_manager_of_other_unit_gets_404(cast, rapporter, logga_in):
    klient = logga_in(cast.elsa)
    assert klient.get(reverse("lexsarah:detalj", args=[rapporter["e1"].pk])).status_code == 404
    assert klient.get(reverse("lexsarah:ivo_pdf", args=[rapporter["e1"].pk])).status_code == 404


def test_reporter_name_is_shown_to_investigator_but_not_to_unit_manager(cast, rapporter, logga_in):
    url = reverse("lexsarah:detalj", args=[rapporter["e1"].pk])
    cast.pia.first_name, cast.pia.last_name = "Pia", "Rapportörsson"
    cast.pia.save()
    assert "Rapportörsson" in logga_in(cast.kim).get(url).content.decode()
    svar = logga_in(cast.erik).get(url)
    assert svar.status_code == 200
    assert "Rapportörsson" not in svar.content.decode()
    assert rapporter["e1"].beskrivning in svar.content.decode()


def test_every_view_of_a_case_is_audit_logged(cast, brukare, rapporter, logga_in):
    före = Atkomstlogg.objects.filter(brukare=brukare.b1).count()
    logga_in(cast.kim).get(reverse("lexsarah:detalj", args=[rapporter["e1"].pk]))
    assert Atkomstlogg.objects.filter(brukare=brukare.b1, anvandare=cast.kim).count() == före + 1


def test_actions_and_timeline_follow_the_report(cast, rapporter):
    AtgardFactory(rapport=rapporter["e1"])
    AtgardFactory(rapport=rapporter["e4"])
    from lexsarah.models import Atgard

    assert set(access.scope(cast.kim, Atgard).values_list("rapport__enhet__kod", flat=True)) == {"E1"}
    assert access.scope(cast.pia, Atgard).count() == 0
    assert access.scope(cast.erik, Atgard, access.ANDRA).count() == 0


def test_protected_identity_is_not_shown_on_the_case_or_in_the_ivo_document(
    cast, org, brukare, logga_in, tmp_path
):
    rapport = RapportFactory(enhet=org.e1, rapporterad_av=cast.pia, brukare=brukare.skyddad, allvarligt=True)
    html = logga_in(cast.kim).get(reverse("lexsarah:detalj", args=[rapport.pk])).content.decode()
    assert "Hemlig" not in html and "Skyddad identitet" in html
    from lexsarah.views import ivo_dokument
    from tests.lexsarah.test_vyer import _pdf_text

    text = _pdf_text(ivo_dokument(cast.kim, rapport), tmp_path)
    assert "Hemlig" not in text and "Skyddad identitet" in text


def test_own_reports_page_lists_only_own_reports(cast, rapporter, logga_in, django_assert_max_num_queries):
    klient = logga_in(cast.pia)
    with django_assert_max_num_queries(12):
        html = klient.get(reverse("lexsarah:mina")).content.decode()
    assert rapporter["e1"].referensnummer in html
    assert rapporter["e3"].referensnummer not in html and rapporter["e4"].referensnummer not in html
