"""Gemensamma regler för ärenden med åtgärder (avvikelser, lex Sarah, riskanalyser).

Varje app beskriver sina åtgärder som `Atgardslage` (appens fält heter olika) och frågar här, så att regeln
är densamma överallt:

- `kontrollera_avslut`: ett ärende avslutas bara när varje åtgärd är genomförd och effektbedömd
  ("Fick åtgärden avsedd effekt?") eller uttryckligen struken med en motivering.
- `kontrollera_planering`: en riskanalys fastställs bara när varje åtgärd har ansvarig och klar senast.
- `far_andras` / `kontrollera_oppet`: ett avslutat ärende är skrivskyddat tills det öppnas igen med en
  motivering (modellen anger sina stängda statusar i `STANGDA_STATUSAR`).
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

EFFEKT_FRAGA = "Fick åtgärden avsedd effekt?"


class Effekt(models.TextChoices):
    JA = "ja", _("Ja")
    DELVIS = "delvis", _("Delvis")
    NEJ = "nej", _("Nej")


# Meddelandet när någon försöker ändra ett avslutat ärende (formulär eller API); samma överallt.
STANGT = "Ärendet är avslutat och kan inte ändras. Öppna det igen med en motivering först."


@dataclasses.dataclass(frozen=True)
class Atgardslage:
    """En åtgärd som reglerna ser den, oberoende av appens fältnamn."""

    text: str
    ansvarig_id: int | None = None
    klar_senast: datetime.date | None = None
    genomford: datetime.date | None = None
    effekt: str = ""
    effekt_text: str = ""
    struken: str = ""

    @property
    def kort(self) -> str:
        text = " ".join(self.text.split())
        return f"”{text[:60]}{'…' if len(text) > 60 else ''}”"

    @property
    def avklarad(self) -> bool:
        """Genomförd med effektbedömning, eller struken med motivering."""
        if self.struken.strip():
            return True
        return self.genomford is not None and self.effekt in Effekt.values and bool(self.effekt_text.strip())


def hinder_for_avslut(atgarder: Iterable[Atgardslage]) -> list[str]:
    """Ett svenskt meddelande per åtgärd som hindrar avslut (tom lista: inget hinder)."""
    hinder = []
    for a in atgarder:
        if a.avklarad:
            continue
        if a.genomford is None:
            hinder.append(
                f"Åtgärden {a.kort} är inte genomförd: markera den som genomförd med effektbedömning, "
                "eller stryk den med en motivering."
            )
        else:
            hinder.append(f"Åtgärden {a.kort} saknar effektbedömning ({EFFEKT_FRAGA} och en beskrivning).")
    return hinder


def kontrollera_avslut(atgarder: Iterable[Atgardslage]) -> None:
    hinder = hinder_for_avslut(atgarder)
    if hinder:
        raise ValidationError(hinder, code="atgarder")


def kontrollera_planering(atgarder: Iterable[Atgardslage]) -> None:
    """Varje åtgärd har ansvarig och klar senast (innan en plan fastställs)."""
    hinder = []
    for a in atgarder:
        saknas = [
            namn for namn, varde in (("ansvarig", a.ansvarig_id), ("klar senast", a.klar_senast)) if not varde
        ]
        if saknas:
            hinder.append(f"Åtgärden {a.kort} saknar {' och '.join(saknas)}.")
    if hinder:
        raise ValidationError(hinder, code="planering")


def far_andras(arende) -> bool:
    """False för ett avslutat ärende (statusen finns i modellens STANGDA_STATUSAR)."""
    return arende.status not in getattr(type(arende), "STANGDA_STATUSAR", ())


def kontrollera_oppet(arende) -> None:
    if not far_andras(arende):
        raise ValidationError(STANGT, code="stangt")


def kontrollera_uppfoljning(*, genomford, effekt: str, effekt_text: str, struken: str) -> None:
    """Det som skickas när en åtgärd följs upp: antingen genomförd med bedömning, eller struken med motivering."""
    if (struken or "").strip():
        return
    if genomford is None:
        raise ValidationError("Ange när åtgärden genomfördes, eller stryk den med en motivering.")
    if effekt not in Effekt.values:
        raise ValidationError(f"Svara på frågan: {EFFEKT_FRAGA}")
    if not (effekt_text or "").strip():
        raise ValidationError("Beskriv effekten av åtgärden.")


def overga(
    arende,
    *,
    till: str,
    tabell,
    av,
    motivering: str = "",
    text: str = "",
    forst: Callable | None = None,
    forbered: Callable | None = None,
    efter_commit: Iterable[Callable] = (),
):
    """Statusövergången för ett ärende (avvikelse, klagomål, lex Sarah), skriven en gång.

    I en transaktion: låser raden (`select_for_update`), låter appen pröva det som gäller före tabellen
    (`forst(arende)`, t.ex. att det är den aktuella versionen), prövar övergången mot arbetsflödets tabell
    (`kvalitet.arbetsflode`), låter appen pröva sina egna villkor och sätta sina fält (`forbered(arende,
    fran)`, som stoppar med ValidationError), skriver status, historiken (vem och, med en motivering,
    varför) och tidslinjen (`text`, annars "Från → Till: motivering", i modellens `handelser`), och
    köar sidoeffekterna i `efter_commit` (funktioner som får ärendet) till efter commit. Returnerar
    (ärendet, statusen det kom från)."""
    from kvalitet.arbetsflode import kontrollera_overgang

    modell = type(arende)
    namn = dict(modell._meta.get_field("status").choices)
    motivering = (motivering or "").strip()
    with transaction.atomic():
        arende = modell.objects.select_for_update().get(pk=arende.pk)
        fran = arende.status
        if forst is not None:
            forst(arende)
        kontrollera_overgang(tabell, fran, till, namn)
        if forbered is not None:
            forbered(arende, fran)
        arende.status = till
        arende._history_user = av
        if motivering:
            arende._change_reason = motivering[:100]
        arende.save()
        text = text or f"{namn.get(fran, fran)} → {namn.get(till, till)}" + (
            f": {motivering}" if motivering else ""
        )
        arende.handelser.create(av=av, text=text, fran_status=fran, till_status=till)
        for effekt in efter_commit:
            transaction.on_commit(functools.partial(effekt, arende))
    return arende, fran
