""" "Mina uppgifter": varje app bidrar med sina uppgifter via `<app>.queries.mina_uppgifter(user)`."""

import dataclasses
import datetime

from django.utils import timezone

from kvalitet import appar


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
    """Alla appars uppgifter för användaren och hens egna öppna åtgärder ur åtgärdsregistret (ansvarig =
    användaren), förfallna först."""
    from kvalitet import atgardsregister

    uppgifter: list[Uppgift] = atgardsregister.som_uppgifter(atgardsregister.mina_atgarder(user))
    for modul in appar.undermoduler("queries"):
        uppgifter.extend(modul.mina_uppgifter(user))
    return sorted(uppgifter, key=lambda u: (u.forfaller is None, u.forfaller or datetime.date.max, u.rubrik))
