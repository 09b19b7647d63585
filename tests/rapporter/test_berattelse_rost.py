"""Den enskildes röst i kvalitetsberättelsen: andelarna per fråga och nämnd och de citat samordnaren valt,
utan namn; en skyddad persons citat och svar syns aldrig som citat; kontakt bara via utföraren och
uppföljning utan kontakt med den enskilde har egna rader."""

import pytest

from rapporter import pdf as rapport_pdf
from rapporter import queries
from tests.rapporter.factories import KvalitetsberattelseFactory
from tests.uppfoljning.test_rost import roster  # noqa: F401  (fixturen)
from uppfoljning import services

pytestmark = pytest.mark.django_db


def test_voice_shares_and_chosen_quotes_reach_the_report_without_names(org, cast, brukare, roster):  # noqa: F811
    services.citat_valj(kontakt=roster["b1"], av=cast.kim, valt=True, version=0)
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2026, skapad_av=cast.kim)
    data = queries.samla(cast.kim, org.n1, 2026)
    html = rapport_pdf.html(b, data, {})
    assert "Den enskildes röst" in html
    # Räknat för hand i nämnd N1: delaktig ja 2 av 4 svar (b1, den skyddade), nej 1, vill inte 1.
    fraga = next(f for f in data["enskildas_rost"]["fragor"] if f["falt"] == "rost_delaktig")
    assert fraga["svarade"] == 4
    assert {s["varde"]: s["antal"] for s in fraga["svar"]}["ja"] == 2
    assert "Var den enskilde delaktig i förändringen? (4 svar)" in html
    assert "Jag fick vara med och bestämma när dagverksamheten flyttade." in html
    # Valda citat bara: de andra citaten (också den skyddades) syns inte, och inga namn.
    for text in ("Det blev bra.", "Ingen ringde förrän det var för sent.", "Jag saknar träffarna."):
        assert text not in html
    for b_ in (brukare.b1, brukare.skyddad, brukare.b3):
        assert f"{b_.fornamn} {b_.efternamn}" not in html and b_.personnummer not in html
    assert "Kontakt bara via utföraren" in html


def test_a_year_without_voices_has_no_voice_heading(org, cast):
    b = KvalitetsberattelseFactory(nod=org.n1, ar=2020, skapad_av=cast.kim)
    html = rapport_pdf.html(b, queries.samla(cast.kim, org.n1, 2020), {})
    assert "Den enskildes röst" not in html
