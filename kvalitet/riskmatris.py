"""Riskmatrisen som data: konsekvens (1–4) × sannolikhet (1–4) = riskvärde (1–16) i fyra nivåer.

Samma matris används för avvikelser, lex Sarah och riskanalyser, så att "hög risk" betyder samma sak
överallt. Nivågränserna och färgerna går att ändra här utan att röra apparna.
"""

import dataclasses

KONSEKVENS = {1: "Liten", 2: "Måttlig", 3: "Betydande", 4: "Allvarlig"}
SANNOLIKHET = {1: "Mycket liten", 2: "Liten", 3: "Möjlig", 4: "Sannolik"}
SKALA_VAL = [(1, "1"), (2, "2"), (3, "3"), (4, "4")]


@dataclasses.dataclass(frozen=True)
class Niva:
    kod: str
    namn: str
    fran: int
    till: int
    farg: str  # bakgrund
    textfarg: str  # text med kontrast ≥ 4,5:1 mot bakgrunden (WCAG AA)


NIVAER = (
    Niva("lag", "Låg", 1, 3, "#2e7d32", "#ffffff"),
    Niva("mattlig", "Måttlig", 4, 6, "#ffd54f", "#000000"),
    Niva("hog", "Hög", 7, 9, "#ef6c00", "#000000"),
    Niva("mycket_hog", "Mycket hög", 10, 16, "#b71c1c", "#ffffff"),
)


def riskvarde(konsekvens: int | None, sannolikhet: int | None) -> int | None:
    if not konsekvens or not sannolikhet:
        return None
    if konsekvens not in KONSEKVENS or sannolikhet not in SANNOLIKHET:
        raise ValueError("Konsekvens och sannolikhet ska vara 1–4.")
    return konsekvens * sannolikhet


def niva(varde: int | None) -> Niva | None:
    if varde is None:
        return None
    for n in NIVAER:
        if n.fran <= varde <= n.till:
            return n
    raise ValueError(f"Riskvärdet {varde} ligger utanför 1–16.")


def matris() -> list[list[tuple[int, int, int, Niva]]]:
    """Rader från högsta konsekvens till lägsta, kolumner sannolikhet 1–4: (k, s, värde, nivå)."""
    return [[(k, s, k * s, niva(k * s)) for s in range(1, 5)] for k in range(4, 0, -1)]
