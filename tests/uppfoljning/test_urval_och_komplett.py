import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.factories import BrukareFactory, InsatsFactory, aktuell_version, insatstyp
from tests.uppfoljning.factories import ForandringFactory, KontaktFactory, arende
from uppfoljning import services
from uppfoljning.models import ForandringTyp, Uppfoljningsarende

DAG = datetime.date(2026, 3, 1)


@pytest.fixture
def dagverksamhet(org, cast):
    f = ForandringFactory(nod=org.n1, skapad_av=cast.hanna, insatstyp=insatstyp("Daglig verksamhet", "LSS"))
    f.enheter.set([org.e1, org.e2])
    return f


def _insats(brukare, enhet, typ="Daglig verksamhet", **kw):
    kw.setdefault("beslutsdatum", datetime.date(2025, 6, 1))
    kw.setdefault("startdatum", datetime.date(2025, 7, 1))
    return InsatsFactory(brukare=brukare, enhet=enhet, typ=insatstyp(typ, "LSS"), **kw)


def test_bulk_selection_takes_everyone_with_the_intervention_at_the_units_on_the_date(
    org, cast, dagverksamhet
):
    med = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)
    _insats(med, org.e1)
    tva_insatser = BrukareFactory(namnd=org.n1)
    _insats(tva_insatser, org.e1)
    _insats(tva_insatser, org.e2)
    annan_enhet = BrukareFactory(namnd=org.n1)
    _insats(annan_enhet, org.e3)
    annan_typ = BrukareFactory(namnd=org.n1)
    _insats(annan_typ, org.e1, typ="Korttidsvistelse")
    avslutad = BrukareFactory(namnd=org.n1)
    _insats(avslutad, org.e1, slutdatum=datetime.date(2026, 2, 28))
    senare_beslut = BrukareFactory(namnd=org.n1)
    _insats(senare_beslut, org.e2, beslutsdatum=datetime.date(2026, 3, 2), startdatum=None)

    antal = services.berorda_valj(forandring=dagverksamhet, datum=DAG, av=cast.hanna)

    assert antal == 2
    arenden = {a.brukare_id: a for a in Uppfoljningsarende.objects.all()}
    assert set(arenden) == {med.pk, tva_insatser.pk}
    assert arenden[med.pk].handlaggare == cast.hanna
    assert arenden[med.pk].nod == org.e1
    assert arenden[med.pk].history.count() == 1


def test_bulk_selection_twice_does_not_duplicate(org, cast, dagverksamhet):
    b = BrukareFactory(namnd=org.n1, handlaggare=cast.hanna)
    _insats(b, org.e1)
    assert services.berorda_valj(forandring=dagverksamhet, datum=DAG, av=cast.hanna) == 1
    assert services.berorda_valj(forandring=dagverksamhet, datum=DAG, av=cast.hanna) == 0
    assert Uppfoljningsarende.objects.count() == 1


def test_bulk_selection_leaves_out_individuals_of_another_committee(org, cast, dagverksamhet):
    b = BrukareFactory(namnd=org.n2, handlaggare=cast.hugo)
    _insats(b, org.e1)
    assert services.berorda_valj(forandring=dagverksamhet, datum=DAG, av=cast.hanna) == 0


def test_individual_who_paused_on_own_request_gets_a_case(org, cast, brukare):
    a = services.arende_skapa(brukare=brukare.b1, egen_typ=ForandringTyp.PAUSAD_PA_BEGARAN, av=cast.hanna)
    assert a.forandring is None and a.handlaggare == cast.hanna and a.namnd == org.n1
    assert a.saknas() == ["kontakt", "behovsbedömning", "åtgärder", "uppföljning"]


def test_case_without_change_or_own_choice_is_refused(cast, brukare):
    with pytest.raises(ValidationError):
        services.arende_skapa(brukare=brukare.b1, av=cast.hanna)


def test_case_is_complete_only_when_contact_needs_actions_and_follow_up_are_done(
    org, cast, brukare, dagverksamhet
):
    a = arende(brukare.b1, forandring=dagverksamhet)
    services.kontakt_registrera(kontakt=KontaktFactory.build(arende=a), av=cast.hanna)
    a.refresh_from_db()
    assert a.forsta_kontakt == datetime.date(2026, 3, 5)
    assert a.saknas() == ["behovsbedömning", "åtgärder", "uppföljning"]
    services.arende_bedom(
        arende=a,
        version=aktuell_version(a),
        av=cast.hanna,
        behov="Risk för isolering.",
        behov_bedomt=datetime.date(2026, 3, 6),
        atgarder_behovs=True,
        atgarder="Promenad två gånger i veckan.",
        uppfoljning_planerad=datetime.date(2026, 4, 1),
    )
    a.refresh_from_db()
    assert a.saknas() == ["uppföljning"]
    services.arende_folj_upp(
        arende=a,
        version=aktuell_version(a),
        av=cast.hanna,
        uppfoljning_gjord=datetime.date(2026, 4, 2),
        utfall="delvis",
    )
    a.refresh_from_db()
    assert a.komplett


def test_no_actions_needed_counts_as_decided(org, cast, brukare, dagverksamhet):
    a = arende(brukare.b1, forandring=dagverksamhet, atgarder_behovs=False)
    assert a.atgarder_beslutade
    a.atgarder_behovs = None
    assert not a.atgarder_beslutade


def test_actions_needed_without_text_is_refused(cast, brukare, dagverksamhet):
    a = arende(brukare.b1, forandring=dagverksamhet)
    with pytest.raises(ValidationError):
        services.arende_bedom(
            arende=a, version=aktuell_version(a), av=cast.hanna, atgarder_behovs=True, atgarder=" "
        )


def test_follow_up_requires_a_contact_first(cast, brukare, dagverksamhet):
    a = arende(brukare.b1, forandring=dagverksamhet)
    with pytest.raises(ValidationError):
        services.arende_folj_upp(
            arende=a,
            version=aktuell_version(a),
            av=cast.hanna,
            uppfoljning_gjord=datetime.date(2026, 3, 1),
            utfall="ja",
        )


def test_earliest_contact_is_kept_as_first_contact(cast, brukare, dagverksamhet):
    a = arende(brukare.b1, forandring=dagverksamhet)
    services.kontakt_registrera(
        kontakt=KontaktFactory.build(arende=a, datum=datetime.date(2026, 3, 9)), av=cast.hanna
    )
    services.kontakt_registrera(
        kontakt=KontaktFactory.build(arende=a, datum=datetime.date(2026, 3, 2)), av=cast.hanna
    )
    services.kontakt_registrera(
        kontakt=KontaktFactory.build(arende=a, datum=datetime.date(2026, 3, 20)), av=cast.hanna
    )
    a.refresh_from_db()
    assert a.forsta_kontakt == datetime.date(2026, 3, 2)
