from kvalitet.models import kvalitetsarbete  # noqa: F401  (mål, egenkontroll, förbättringsplan)
from kvalitet.models.arende import Arendeatgard, Arendebilaga, Tidslinjehandelse
from kvalitet.models.brukare import Brukare, Insats, Insatstyp, Kon, Lag, Verksamhet
from kvalitet.models.inloggning import OidcIdentitet, Registreringskod
from kvalitet.models.lagrum import Lagrum
from kvalitet.models.logg import Atkomstlogg, LoggenArOforanderlig
from kvalitet.models.notiser import Bevakning, BevakningStatus, Epostval, Notifikation, Sammandrag
from kvalitet.models.organisation import FORALDER_TYP, NodTyp, OrgNod, Roll, Rolltilldelning

__all__ = [
    "FORALDER_TYP",
    "Arendeatgard",
    "Arendebilaga",
    "Atkomstlogg",
    "Bevakning",
    "BevakningStatus",
    "Brukare",
    "Epostval",
    "Insats",
    "Insatstyp",
    "Kon",
    "Lag",
    "Verksamhet",
    "Lagrum",
    "LoggenArOforanderlig",
    "NodTyp",
    "Notifikation",
    "OidcIdentitet",
    "OrgNod",
    "Registreringskod",
    "Roll",
    "Rolltilldelning",
    "Sammandrag",
    "Tidslinjehandelse",
]
