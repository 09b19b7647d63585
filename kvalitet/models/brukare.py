from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvalitet.access import AtkomstQuerySet
from kvalitet.personnummer import validera_personnummer


class Lag(models.TextChoices):
    SOL = "SoL", _("SoL")
    LSS = "LSS", _("LSS")


class Kon(models.TextChoices):
    KVINNA = "K", _("Kvinna")
    MAN = "M", _("Man")


class Brukare(models.Model):
    """En enskild som har eller har sökt insatser.

    Personnumret lagras normaliserat med tolv siffror (ÅÅÅÅMMDDNNNN). Med skyddad identitet visas
    varken namn eller nummer för andra än den som handlägger ärendet (se kvalitet.access).
    """

    personnummer = models.CharField(
        _("personnummer/samordningsnummer"), max_length=12, unique=True, validators=[validera_personnummer]
    )
    fornamn = models.CharField(_("förnamn"), max_length=100)
    efternamn = models.CharField(_("efternamn"), max_length=100)
    skyddad_identitet = models.BooleanField(_("skyddad identitet"), default=False)
    namnd = models.ForeignKey(
        "kvalitet.OrgNod",
        verbose_name=_("ansvarig nämnd"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"typ": "namnd"},
    )
    handlaggare = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handläggare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="arenden",
    )
    externt_id = models.CharField(
        _("id i verksamhetssystemet"), max_length=100, null=True, blank=True, unique=True
    )
    skapad = models.DateTimeField(auto_now_add=True)
    # Optimistisk låsning (kvalitet.samtidighet): två handläggare skriver inte över varandras ändringar.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("brukare")
        verbose_name_plural = _("brukare")
        ordering = ["efternamn", "fornamn"]

    def __str__(self):
        # Aldrig namn i str(): str() hamnar i loggar och admin. Visning går via kvalitet.access.
        return f"Brukare {self.pk}"

    @property
    def kon(self) -> str:
        """Kön enligt personnumrets näst sista siffra (jämn = kvinna)."""
        return Kon.KVINNA if int(self.personnummer[10]) % 2 == 0 else Kon.MAN

    @property
    def fodelsedatum(self) -> str:
        dag = int(self.personnummer[6:8])
        if dag > 60:  # samordningsnummer
            dag -= 60
        return f"{self.personnummer[:4]}-{self.personnummer[4:6]}-{dag:02d}"

    @property
    def personnummer_visning(self) -> str:
        return f"{self.personnummer[:8]}-{self.personnummer[8:]}"

    @property
    def namn(self) -> str:
        return f"{self.fornamn} {self.efternamn}"


class Verksamhet(models.TextChoices):
    """Området en SoL-insats redovisas under i kvalitetsberättelsen (som Herrljungas tabell över ej
    verkställda beslut, seed 003 avsnitt 6.1.1); LSS redovisas för sig."""

    ALDREOMSORG = "aldreomsorg", _("SoL äldreomsorg")
    FUNKTIONSHINDER = "funktionshinder", _("SoL funktionshinder/handikappomsorg")
    IFO = "ifo", _("SoL individ- och familjeomsorg")


class Insatstyp(models.Model):
    """En typ av insats i kommunens konfigurerbara lista (hemtjänst, daglig verksamhet ...).

    Samma namn kan finnas under båda lagarna (Kontaktperson är både en SoL- och en LSS-insats), så
    namnet är unikt per lag; den som slår upp en typ på namn måste också ange lagen när namnet är tvetydigt."""

    namn = models.CharField(_("namn"), max_length=100)
    lag = models.CharField(_("lag"), max_length=3, choices=Lag.choices)
    verksamhet = models.CharField(
        _("redovisas under"),
        max_length=15,
        choices=Verksamhet.choices,
        blank=True,
        help_text=_("För SoL-insatser: området i kvalitetsberättelsen. LSS redovisas för sig."),
    )
    aktiv = models.BooleanField(_("erbjuds"), default=True)

    class Meta:
        verbose_name = _("insatstyp")
        verbose_name_plural = _("insatstyper")
        ordering = ["lag", "namn"]
        constraints = [
            models.UniqueConstraint(
                fields=["namn", "lag"],
                name="insatstyp_namn_per_lag",
                violation_error_message=_("Det finns redan en insatstyp med det namnet under den lagen."),
            )
        ]

    def __str__(self):
        return f"{self.namn} ({self.lag})"


class Insats(models.Model):
    """Ett beslut om insats enligt SoL eller LSS, verkställt (eller inte) av en enhet."""

    brukare = models.ForeignKey(
        Brukare, verbose_name=_("brukare"), on_delete=models.PROTECT, related_name="insatser"
    )
    lag = models.CharField(_("lag"), max_length=3, choices=Lag.choices)
    typ = models.ForeignKey(
        Insatstyp, verbose_name=_("insatstyp"), on_delete=models.PROTECT, related_name="+"
    )
    enhet = models.ForeignKey(
        "kvalitet.OrgNod",
        verbose_name=_("utförande enhet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"typ": "enhet"},
    )
    beslutsdatum = models.DateField(_("beslutsdatum"))
    startdatum = models.DateField(_("verkställd från"), null=True, blank=True)
    slutdatum = models.DateField(_("avslutad"), null=True, blank=True)
    externt_id = models.CharField(
        _("id i verksamhetssystemet"), max_length=100, null=True, blank=True, unique=True
    )
    # Optimistisk låsning (kvalitet.samtidighet), som för brukaren.
    version = models.PositiveIntegerField(default=0, editable=False)
    history = HistoricalRecords()

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        ordering = ["-beslutsdatum"]
        indexes = [models.Index(fields=["enhet", "typ", "startdatum", "slutdatum"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(startdatum__isnull=True)
                | models.Q(startdatum__gte=models.F("beslutsdatum")),
                name="insats_start_efter_beslut",
                violation_error_message=_("Verkställighetsdatum kan inte ligga före beslutsdatum."),
            ),
            models.CheckConstraint(
                condition=models.Q(slutdatum__isnull=True)
                | models.Q(slutdatum__gte=models.F("beslutsdatum")),
                name="insats_slut_efter_beslut",
                violation_error_message=_("Slutdatum kan inte ligga före beslutsdatum."),
            ),
        ]

    def __str__(self):
        return f"{self.typ.namn} ({self.lag}), beslut {self.beslutsdatum:%Y-%m-%d}"
