"""Läsningar (med åtkomst först) och sammanställningar som andra appar och rapporter anropar."""

from kvalitet.uppgifter import Uppgift


def mina_uppgifter(user) -> list[Uppgift]:
    """Appens uppgifter för användaren på startsidan."""
    return []
