import datetime

import pytest
from django.core.exceptions import ValidationError

from kvalitet.personnummer import luhn_kontrollsiffra, normalisera_personnummer

IDAG = datetime.date(2026, 11, 22)


@pytest.mark.parametrize(
    "inmatning, vantat",
    [
        ("19811218-9876", "198112189876"),  # Skatteverkets exempel
        ("811218-9876", "198112189876"),
        ("198112189876", "198112189876"),
        ("8112189876", "198112189876"),
        ("121212+1212", "191212121212"),  # plus: 100 år eller äldre
        ("121212-1212", "201212121212"),
        ("19701063-2391", "197010632391"),  # samordningsnummer: dag + 60
    ],
)
def test_it_accepts_and_normalises_valid_numbers(inmatning, vantat):
    assert normalisera_personnummer(inmatning, idag=IDAG) == vantat


@pytest.mark.parametrize(
    "inmatning, meddelande",
    [
        ("abc", "Ange personnummer som"),
        ("19811218-987", "Ange personnummer som"),
        ("19811218-9875", "Kontrollsiffran stämmer inte"),
        ("19810230-1234", "inget giltigt datum"),
        ("19811318-9876", "inget giltigt datum"),
        ("20991218-9876", "framtiden"),
    ],
)
def test_it_rejects_invalid_numbers_with_swedish_message(inmatning, meddelande):
    with pytest.raises(ValidationError) as fel:
        normalisera_personnummer(inmatning, idag=IDAG)
    assert meddelande in fel.value.messages[0]


def test_luhn_matches_known_example():
    assert luhn_kontrollsiffra("811218987") == 6


def test_leap_day_is_valid_only_in_leap_years():
    nummer = "000229-0005"
    lopnr = "000"
    giltigt = f"20000229{lopnr}{luhn_kontrollsiffra('000229' + lopnr)}"
    assert normalisera_personnummer(giltigt, idag=IDAG) == giltigt
    with pytest.raises(ValidationError):
        normalisera_personnummer(f"19990229{lopnr}{luhn_kontrollsiffra('990229' + lopnr)}", idag=IDAG)
    assert nummer  # formatet med bindestreck prövas ovan
