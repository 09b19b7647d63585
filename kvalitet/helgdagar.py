"""Svenska helgdagar och vardagsräkning.

Enligt lag (1930:173) om beräkning av lagstadgad tid flyttas en frist som slutar på en lördag, söndag,
allmän helgdag, midsommarafton, julafton eller nyårsafton till nästa vardag. Helgdagarna räknas fram här
(påsken med den gregorianska algoritmen) så att inga tabeller behöver uppdateras varje år.
"""

import datetime
from functools import lru_cache

_DAG = datetime.timedelta(days=1)


def pask(ar: int) -> datetime.date:
    """Påskdagen (anonym gregoriansk algoritm, Meeus/Jones/Butcher)."""
    a, b, c = ar % 19, ar // 100, ar % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    manad = (h + l_ - 7 * m + 114) // 31
    dag = (h + l_ - 7 * m + 114) % 31 + 1
    return datetime.date(ar, manad, dag)


def _forsta_lordag_fran(d: datetime.date) -> datetime.date:
    return d + datetime.timedelta(days=(5 - d.weekday()) % 7)


@lru_cache(maxsize=64)
def helgdagar(ar: int) -> dict[datetime.date, str]:
    """Allmänna helgdagar samt dagar som likställs med dem vid fristberäkning (aftnarna)."""
    p = pask(ar)
    midsommardag = _forsta_lordag_fran(datetime.date(ar, 6, 20))
    alla_helgons = _forsta_lordag_fran(datetime.date(ar, 10, 31))
    return {
        datetime.date(ar, 1, 1): "Nyårsdagen",
        datetime.date(ar, 1, 6): "Trettondedag jul",
        p - 2 * _DAG: "Långfredagen",
        p: "Påskdagen",
        p + _DAG: "Annandag påsk",
        datetime.date(ar, 5, 1): "Första maj",
        p + 39 * _DAG: "Kristi himmelsfärdsdag",
        p + 49 * _DAG: "Pingstdagen",
        datetime.date(ar, 6, 6): "Sveriges nationaldag",
        midsommardag - _DAG: "Midsommarafton",
        midsommardag: "Midsommardagen",
        alla_helgons: "Alla helgons dag",
        datetime.date(ar, 12, 24): "Julafton",
        datetime.date(ar, 12, 25): "Juldagen",
        datetime.date(ar, 12, 26): "Annandag jul",
        datetime.date(ar, 12, 31): "Nyårsafton",
    }


def ar_arbetsdag(d: datetime.date) -> bool:
    return d.weekday() < 5 and d not in helgdagar(d.year)


def nasta_arbetsdag(d: datetime.date) -> datetime.date:
    """Dagen själv om den är en vardag, annars nästa vardag (fristen flyttas framåt)."""
    while not ar_arbetsdag(d):
        d += _DAG
    return d


def lagg_till_arbetsdagar(d: datetime.date, antal: int) -> datetime.date:
    """`antal` vardagar efter d (helger och helgdagar räknas inte)."""
    while antal > 0:
        d += _DAG
        if ar_arbetsdag(d):
            antal -= 1
    return d


def frist(start: datetime.date, dagar: int) -> datetime.date:
    """Kalenderdagar från start; slutar fristen på en helg eller helgdag gäller nästa vardag."""
    return nasta_arbetsdag(start + datetime.timedelta(days=dagar))
