import datetime

import pytest

from kvalitet import helgdagar

D = datetime.date


@pytest.mark.parametrize(
    "ar,pask", [(2024, D(2024, 3, 31)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 5)), (2038, D(2038, 4, 25))]
)
def test_easter_is_computed_correctly(ar, pask):
    assert helgdagar.pask(ar) == pask


def test_movable_swedish_holidays_2026():
    h = helgdagar.helgdagar(2026)
    assert h[D(2026, 4, 3)] == "Långfredagen"
    assert h[D(2026, 5, 14)] == "Kristi himmelsfärdsdag"
    assert h[D(2026, 6, 19)] == "Midsommarafton"
    assert h[D(2026, 10, 31)] == "Alla helgons dag"


def test_deadline_on_a_weekend_moves_to_monday():
    # 2026-11-09 (måndag) + 12 dagar = lördag 21 november -> måndag 23 november
    assert helgdagar.frist(D(2026, 11, 9), 12) == D(2026, 11, 23)


def test_deadline_over_the_year_end_skips_new_years_eve_and_day():
    # 17 dec + 14 = nyårsafton (torsdag) -> nyårsdagen fredag -> helg -> måndag 4 januari
    assert helgdagar.frist(D(2026, 12, 17), 14) == D(2027, 1, 4)
    # julafton räknas som helgdag vid fristberäkning
    assert helgdagar.frist(D(2025, 12, 10), 14) == D(2025, 12, 29)


def test_deadline_on_a_weekday_stays():
    assert helgdagar.frist(D(2026, 11, 2), 14) == D(2026, 11, 16)


def test_adding_working_days_skips_easter():
    # torsdag före påsk 2026 + 1 vardag: långfredag, helg, annandag påsk hoppas över -> tisdag
    assert helgdagar.lagg_till_arbetsdagar(D(2026, 4, 2), 1) == D(2026, 4, 7)
