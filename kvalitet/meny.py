"""Huvudmenyn som data: grupper (rullgardiner) med poster, var och en med sin sidbehörighet i
`kvalitet.access.SIDOR`. Menyn visar bara det rollen får använda (samma fråga som vyns `@access.sida`), och en
grupp med en enda synlig post blir en vanlig länk, så att ingen rullgardin har bara ett val.

Grupperna håller varje rolls meny på en rad vid 1280 px (tests/e2e/test_meny.py). Kärnan importerar ingen
app: posterna pekar på apparnas adresser med namn (`reverse`), som mallarna gör.
"""

import dataclasses

from django.urls import NoReverseMatch, reverse

from kvalitet import access


@dataclasses.dataclass(frozen=True)
class Post:
    """En länk i menyn. `sida` None: alla inloggade. `personal_konto`: kräver också is_staff (Django-admin)."""

    text: str
    url: str
    sida: str | None = None
    personal_konto: bool = False


AVDELARE = Post("", "")


@dataclasses.dataclass(frozen=True)
class Grupp:
    text: str
    poster: tuple[Post, ...]


MENY: tuple[Post | Grupp, ...] = (
    Post("Mina uppgifter", "kvalitet:start"),
    Grupp(
        "Rapportera",
        (
            Post("Avvikelse", "avvikelser:rapportera", "avvikelser.rapportera"),
            Post("Missförhållande – lex Sarah", "lexsarah:rapportera", "lexsarah.rapportera"),
            Post("Klagomål eller synpunkt", "avvikelser:klagomal_ny", "avvikelser.rapportera"),
            AVDELARE,
            Post("Mina rapporter – avvikelser", "avvikelser:mina", "avvikelser.rapportera"),
            Post("Mina rapporter – lex Sarah", "lexsarah:mina", "lexsarah.rapportera"),
        ),
    ),
    Grupp(
        "Ärenden",
        (
            Post("Avvikelser", "avvikelser:index", "avvikelser.ko"),
            Post("Klagomål och synpunkter", "avvikelser:klagomal", "avvikelser.ko"),
            Post("Lex Sarah", "lexsarah:index", "lexsarah.arenden"),
            Post("Riskanalyser", "riskanalys:index", "riskanalys.anvanda"),
            Post("Uppföljning", "uppfoljning:index", "uppfoljning.lasa"),
            AVDELARE,
            Post("Åtgärdsregister", "kvalitet:atgardsregister", "kvalitet.atgardsregister"),
        ),
    ),
    Post("Brukare", "kvalitet:brukare_lista", "kvalitet.brukare"),
    Grupp(
        "Analys",
        (
            Post("Avvikelsestatistik", "avvikelser:statistik", "avvikelser.statistik"),
            Post("Styrdiagram", "avvikelser:styrdiagram", "avvikelser.statistik"),
            Post("Trattdiagram och Pareto", "avvikelser:tratt", "avvikelser.statistik"),
            Post("Nämnderna sida vid sida", "avvikelser:namnder", "avvikelser.namnder"),
            Post("Lex Sarah-registret", "lexsarah:register", "lexsarah.register"),
            Post("Täckning efter förändrade insatser", "uppfoljning:tackning", "uppfoljning.oversikt"),
            Post("Samlad analys", "rapporter:samlad_analys", "rapporter.samlad_analys"),
            AVDELARE,
            Post("Kvalitetsberättelse", "rapporter:index", "rapporter.lasa"),
            Post("Mål, egenkontroll och förbättring", "kvalitetsarbete:index", "rapporter.lasa"),
        ),
    ),
    Grupp(
        "Mer",
        (
            Post("Organisation", "kvalitet:organisation"),
            Post("Loggkontroll", "kvalitet:loggkontroll", "kvalitet.loggkontroll"),
            Post("Import från Kolada", "kvalitetsarbete:kolada", "kvalitetsarbete.kolada"),
            Post("Administration", "admin:index", "kvalitet.administration", personal_konto=True),
        ),
    ),
)


@dataclasses.dataclass
class Lank:
    text: str
    href: str
    # "page" när adressen är sidan, "true" när sidan ligger under den (en detaljsida i listans avdelning).
    aktuell: str = ""
    avdelare: bool = False


@dataclasses.dataclass
class Menyval:
    """En post i den färdiga menyn: en länk (`lank`) eller en rullgardin (`lankar`)."""

    text: str
    lank: Lank | None = None
    lankar: list[Lank] = dataclasses.field(default_factory=list)

    @property
    def aktuell(self) -> bool:
        return bool((self.lank and self.lank.aktuell) or any(lank.aktuell for lank in self.lankar))


def _synlig(user, post: Post) -> bool:
    if post.personal_konto and not user.is_staff:
        return False
    return post.sida is None or access.kan_sida(user, post.sida)


def _lank(post: Post) -> Lank | None:
    try:
        return Lank(post.text, reverse(post.url))
    except NoReverseMatch:
        # Djangos admin (och andra valfria adresser) kan saknas i en inställning; då finns ingen länk.
        return None


def _utan_overflodiga_avdelare(lankar: list[Lank]) -> list[Lank]:
    ut: list[Lank] = []
    for lank in lankar:
        if lank.avdelare and (not ut or ut[-1].avdelare):
            continue
        ut.append(lank)
    while ut and ut[-1].avdelare:
        ut.pop()
    return ut


def huvudmeny(user, sokvag: str) -> list[Menyval]:
    """Menyn för användaren, med den aktuella posten markerad (aria-current). Inga frågor utöver
    behörigheten, som hämtas en gång per begäran (`access.behorighet`)."""
    if user is None or not user.is_authenticated:
        return []
    val: list[Menyval] = []
    for del_ in MENY:
        if isinstance(del_, Post):
            lank = _lank(del_) if _synlig(user, del_) else None
            if lank:
                val.append(Menyval(del_.text, lank=lank))
            continue
        lankar: list[Lank] = []
        for post in del_.poster:
            if post is AVDELARE:
                lankar.append(Lank("", "", avdelare=True))
            elif _synlig(user, post) and (lank := _lank(post)):
                lankar.append(lank)
        lankar = _utan_overflodiga_avdelare(lankar)
        riktiga = [lank for lank in lankar if not lank.avdelare]
        if len(riktiga) == 1:
            val.append(Menyval(riktiga[0].text, lank=riktiga[0]))
        elif riktiga:
            val.append(Menyval(del_.text, lankar=lankar))
    _markera_aktuell(val, sokvag)
    return val


def _markera_aktuell(val: list[Menyval], sokvag: str) -> None:
    """Den länk vars adress är sidan, annars den längsta som sidan ligger under ("/" bara exakt)."""
    alla = [lank for v in val for lank in ([v.lank] if v.lank else v.lankar) if not lank.avdelare]
    exakt = [lank for lank in alla if lank.href == sokvag]
    if exakt:
        exakt[0].aktuell = "page"
        return
    under = [lank for lank in alla if lank.href != "/" and sokvag.startswith(lank.href)]
    if under:
        max(under, key=lambda lank: len(lank.href)).aktuell = "true"
