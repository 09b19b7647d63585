"""Val av enskild i formulären (kvalitet/enskildval.py): inga namn förrän användaren söker, träffarna
inom scope och loggade, skyddade identiteter aldrig på namn eller personnummer för andra."""

import pytest
from django.urls import reverse

from kvalitet.models import Atkomstlogg
from tests.factories import InsatsFactory

SOK = "kvalitet:enskild_sok"

# (formulärets adress, vem som fyller i det, namnen som inte får synas förrän någon sökt)
FORMULAR = [
    ("avvikelser:rapportera", "pia"),
    ("lexsarah:rapportera", "pia"),
    ("riskanalys:ny", "erik"),
    ("uppfoljning:arende_ny", "hanna"),
    ("uppfoljning:avbrott_ny", "hanna"),
]


def _sok(klient, fraga, urval="valja", falt="brukare", sammanhang="avvikelser", **extra):
    return klient.get(
        reverse(SOK),
        {"urval": urval, "falt": falt, f"{falt}__sok": fraga, "sammanhang": sammanhang, **extra},
    )


@pytest.mark.parametrize(("url", "vem"), FORMULAR)
def test_picker_renders_no_names_before_search(org, cast, brukare, logga_in, url, vem):
    html = logga_in(getattr(cast, vem)).get(reverse(url)).content.decode()
    assert 'hx-get="' + reverse(SOK) + '"' in html
    for b in (brukare.b1, brukare.skyddad, brukare.skyddad_annan):
        assert b.efternamn not in html and b.personnummer_visning not in html and f"nr {b.pk})" not in html
    assert not Atkomstlogg.objects.exists()


def test_picker_results_are_audit_logged(org, cast, brukare, logga_in):
    svar = _sok(logga_in(cast.pia), "Greta")
    html = svar.content.decode()
    assert "Greta Gran" in html and f'name="brukare" value="{brukare.b1.pk}"' in html
    assert list(Atkomstlogg.objects.values_list("anvandare", "brukare", "vad")) == [
        (cast.pia.pk, brukare.b1.pk, "avvikelser: sök enskild")
    ]


def test_picker_shows_nobody_and_logs_nothing_for_one_letter(org, cast, brukare, logga_in):
    html = _sok(logga_in(cast.hanna), "G").content.decode()
    assert "Gran" not in html and "minst 2 tecken" in html
    assert not Atkomstlogg.objects.exists()


def test_picker_stays_within_scope(org, cast, brukare, logga_in):
    klient = logga_in(cast.pia)
    # Tore bor vid E3 och Bo i nämnd N2: Pia (personal vid E1) får inte välja dem.
    for namn in ("Tore", "Björk"):
        assert "Ingen träff" in _sok(klient, namn).content.decode()
    assert "Ingen träff" in _sok(klient, "nr " + str(brukare.b4.pk)).content.decode()
    assert not Atkomstlogg.objects.exists()


def test_picker_never_finds_protected_identity_by_name_or_number_for_others(org, cast, brukare, logga_in):
    klient = logga_in(cast.pia)
    for fraga in ("Hemlig", "Person", brukare.skyddad.personnummer, "Dold"):
        html = _sok(klient, fraga).content.decode()
        assert "Ingen träff" in html and "Hemlig" not in html, fraga
    # Numret som visas för en skyddad identitet räcker för den som får välja henne, och bara numret syns.
    html = _sok(klient, f"nr {brukare.skyddad.pk}").content.decode()
    assert f"Skyddad identitet (nr {brukare.skyddad.pk})" in html and "Hemlig" not in html
    # Hennes handläggare hittar henne på namn.
    assert "Hemlig Person" in _sok(logga_in(cast.hanna), "Hemlig").content.decode()


def test_chosen_individuals_are_not_repeated_among_the_results(org, cast, brukare, logga_in):
    html = _sok(logga_in(cast.pia), "Gr", brukare=str(brukare.b1.pk)).content.decode()
    assert "Greta Gran" not in html
    assert not Atkomstlogg.objects.exists()


def test_insats_picker_lists_ongoing_insatser_of_matching_individuals_and_logs_them(
    org, cast, brukare, logga_in
):
    avslutad = InsatsFactory(
        brukare=brukare.b1,
        enhet=org.e1,
        beslutsdatum="2024-01-01",
        startdatum="2024-02-01",
        slutdatum="2025-01-01",
    )
    html = _sok(
        logga_in(cast.hanna), "Gran", urval="pagaende_insats", falt="insats", sammanhang="uppföljning"
    )
    html = html.content.decode()
    pagaende = brukare.b1.insatser.exclude(pk=avslutad.pk).get()
    assert f'value="{pagaende.pk}"' in html and f'value="{avslutad.pk}"' not in html
    assert "Greta Gran: " in html
    assert list(Atkomstlogg.objects.values_list("brukare", "vad")) == [
        (brukare.b1.pk, "uppföljning: sök enskild")
    ]


def test_report_form_keeps_the_chosen_individual_after_an_error(org, cast, brukare, logga_in):
    svar = logga_in(cast.pia).post(
        reverse("avvikelser:rapportera"),
        {"enhet": org.e1.pk, "handelsetid": "2026-01-10T08:30", "brukare": brukare.b1.pk, "beskrivning": ""},
    )
    html = svar.content.decode()
    assert f'value="{brukare.b1.pk}" id="id_brukare_{brukare.b1.pk}" checked' in html and "Greta Gran" in html


def test_submitted_individual_outside_scope_is_refused(org, cast, brukare, logga_in):
    from avvikelser.models import Avvikelse
    from tests.avvikelser.factories import KategoriFactory

    data = {
        "enhet": org.e1.pk,
        "handelsetid": "2026-01-10T08:30",
        "lag": "SoL",
        "kategori": KategoriFactory().pk,
        "beskrivning": "Besöket blev inte av.",
        "brukare": brukare.b4.pk,
    }
    svar = logga_in(cast.pia).post(reverse("avvikelser:rapportera"), data)
    assert svar.status_code == 200 and "Välj ett giltigt alternativ" in svar.content.decode()
    assert not Avvikelse.objects.exists()
    data["brukare"] = brukare.b1.pk
    assert logga_in(cast.pia).post(reverse("avvikelser:rapportera"), data).status_code == 302
    assert Avvikelse.objects.get().brukare == brukare.b1


def test_avbrott_refuses_an_insats_outside_scope(org, cast, brukare, logga_in):
    annan_namnd = brukare.b4.insatser.get()
    svar = logga_in(cast.hanna).post(
        reverse("uppfoljning:avbrott_ny"), {"insats": annan_namnd.pk, "fran": "2026-01-10"}
    )
    assert svar.status_code == 200 and "giltigt alternativ" in svar.content.decode()
    assert "Björk" not in svar.content.decode()


@pytest.mark.parametrize(
    "parametrar", [{}, {"urval": "allt", "falt": "brukare"}, {"urval": "valja", "falt": "<script>"}]
)
def test_bad_search_parameters_give_400_not_500(org, cast, logga_in, parametrar):
    assert logga_in(cast.pia).get(reverse(SOK), parametrar).status_code == 400


def test_brukare_list_does_not_place_protected_identity_by_surname(org, cast, brukare, logga_in):
    import re

    html = logga_in(cast.kim).get(reverse("kvalitet:brukare_lista")).content.decode()
    ordning = [int(pk) for pk in re.findall(r'href="/brukare/(\d+)/"', html)]
    # Doldsson och Person skulle annars stå mellan Gran och Tall efter efternamn.
    assert ordning == [brukare.b1.pk, brukare.b3.pk, brukare.skyddad.pk, brukare.skyddad_annan.pk]
    # Hanna handlägger Hemlig Person och ser namnet: för henne står hon i bokstavsordning.
    html = logga_in(cast.hanna).get(reverse("kvalitet:brukare_lista")).content.decode()
    ordning = [int(pk) for pk in re.findall(r'href="/brukare/(\d+)/"', html)]
    assert ordning == [brukare.b1.pk, brukare.skyddad.pk, brukare.b3.pk, brukare.skyddad_annan.pk]


def test_picker_tells_namesakes_apart_by_birth_date_without_the_full_number(org, cast, brukare, logga_in):
    b = brukare.b1
    html = _sok(logga_in(cast.pia), "Greta").content.decode()
    assert f"Greta Gran (f. {b.fodelsedatum}, …{b.personnummer[-2:]})" in html
    assert b.personnummer_visning not in html and b.personnummer not in html
