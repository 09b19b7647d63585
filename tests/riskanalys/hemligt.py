"""Riskanalyser i N2 för genomgången av alla URL:er (tests/sakerhet)."""

import datetime

from riskanalys.models import Atgard, Handelse, Mall, MallRisk, Risk, Riskanalys


def skapa(org, cast, brukare, markor) -> set[int]:
    analys = Riskanalys.objects.create(
        nod=org.e4,
        titel=markor,
        forandring=markor,
        deltagare=markor,
        datum=datetime.date(2026, 1, 10),
        skapad_av=cast.sofia,
    )
    analys.brukare.set([brukare])
    risk = Risk.objects.create(analys=analys, beskrivning=markor, orsak=markor, konsekvens=3, sannolikhet=3)
    atgard = Atgard.objects.create(risk=risk, text=markor, resultat=markor, uppfoljning=markor[:300])
    Handelse.objects.create(analys=analys, av=cast.sofia, text=markor)  # tidslinjen på detaljsidan
    # Mallen delas med hela kommunen och saknar personuppgifter; den är inte hemlig och ingår inte här.
    mall = Mall.objects.create(titel="Delad mall", nod=org.n2, skapad_av=cast.sofia)
    MallRisk.objects.create(mall=mall, beskrivning="Allmän risk", konsekvens=2, sannolikhet=2)
    return {analys.pk, risk.pk, atgard.pk}
