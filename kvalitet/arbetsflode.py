"""Tillståndsmaskiner som data. Varje app har en tabell {från: {till, ...}} och en tjänst per övergång;
`kontrollera_overgang` är den enda platsen som säger nej, med ett svenskt meddelande."""

from collections.abc import Mapping

from django.core.exceptions import ValidationError


def kontrollera_overgang(
    tabell: Mapping[str, set[str] | frozenset[str]], fran: str, till: str, etiketter=None
):
    """ValidationError om övergången inte finns i tabellen."""
    if till not in tabell.get(fran, ()):
        namn = dict(etiketter or {})
        raise ValidationError(
            f"Det går inte att gå från ”{namn.get(fran, fran)}” till ”{namn.get(till, till)}”.",
            code="ogiltig_overgang",
        )
