""" "Mina uppgifter": varje app bidrar med sina uppgifter via `<app>.queries.mina_uppgifter(user)`."""

import dataclasses
import datetime
import importlib

from django.utils import timezone

# Apparna vars uppgifter visas på startsidan, i den ordning de visas.
KALLOR = ("avvikelser", "lexsarah", "riskanalys", "uppfoljning", "rapporter")


@dataclasses.dataclass(frozen=True)
class Uppgift:
    rubrik: str
    lank: str
    kalla: str
    forfaller: datetime.date | None = None
    detalj: str = ""

    @property
    def forsenad(self) -> bool:
        return self.forfaller is not None and self.forfaller < timezone.localdate()


def mina_uppgifter(user) -> list[Uppgift]:
    """Alla appars uppgifter för användaren, förfallna först."""
    uppgifter: list[Uppgift] = []
    for app in KALLOR:
        uppgifter.extend(importlib.import_module(f"{app}.queries").mina_uppgifter(user))
    return sorted(uppgifter, key=lambda u: (u.forfaller is None, u.forfaller or datetime.date.max, u.rubrik))
