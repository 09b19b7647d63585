"""Ärendekitets abstrakta modeller: tidslinjen, åtgärden och bilagan som avvikelser, klagomål, lex Sarah och
riskanalyser delar. Appens konkreta modell ärver och lägger bara till sin FK till ärendet och det som är
verkligen eget; tabell- och kolumnnamnen är appens egna (inga tabeller flyttas).

Reglerna för åtgärderna (avslut, planering, skrivskydd) står i `kvalitet.arende`; modellerna här ger dem
`Atgardslage` genom `lage()`.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kvalitet.access import AtkomstQuerySet
from kvalitet.arende import Atgardslage, Effekt
from kvalitet.bilagor import privat_lagring, uppladdningsvag


class Tidslinjehandelse(models.Model):
    """En rad i ärendets tidslinje: statusbyte, anteckning, ändring, med vem och när. Skrivs bara av
    tjänsterna (i samma transaktion som ändringen den beskriver)."""

    tidpunkt = models.DateTimeField(_("tidpunkt"), auto_now_add=True)
    av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    fran_status = models.CharField(max_length=20, blank=True)
    till_status = models.CharField(max_length=20, blank=True)
    text = models.TextField(_("text"), blank=True)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["tidpunkt", "id"]
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")

    def __str__(self):
        return self.text[:60]


class Arendeatgard(models.Model):
    """En åtgärd i ett ärende: vad, vem ansvarar, senast när, när den genomfördes och dess effekt
    ("Fick åtgärden avsedd effekt?"), eller varför den ströks.

    Fälten för genomförd och effektens beskrivning heter olika i apparna (lex Sarah: `uppfoljd`/`resultat`)
    och läses av andra appars frågor, så de deklareras i appen och namnges här i `GENOMFORD_FALT` och
    `EFFEKT_TEXT_FALT`."""

    text = models.TextField(_("åtgärd"))
    ansvarig = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("ansvarig"),
    )
    klar_senast = models.DateField(_("klar senast"), null=True, blank=True)
    effekt_bedomning = models.CharField(
        _("fick åtgärden avsedd effekt?"), max_length=10, choices=Effekt.choices, blank=True
    )
    struken = models.TextField(_("struken, motivering"), blank=True)
    # Optimistisk låsning (kvalitet.samtidighet): två som följer upp samma åtgärd skriver inte över varandra.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = AtkomstQuerySet.as_manager()

    GENOMFORD_FALT = "genomford"
    EFFEKT_TEXT_FALT = "effekt"

    class Meta:
        abstract = True
        ordering = ["id"]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")

    def __str__(self):
        return self.text[:60]

    @property
    def genomford_datum(self):
        return getattr(self, self.GENOMFORD_FALT)

    @property
    def effekt_beskrivning(self) -> str:
        return getattr(self, self.EFFEKT_TEXT_FALT)

    def lage(self) -> Atgardslage:
        return Atgardslage(
            text=self.text,
            ansvarig_id=self.ansvarig_id,
            klar_senast=self.klar_senast,
            genomford=self.genomford_datum,
            effekt=self.effekt_bedomning,
            effekt_text=self.effekt_beskrivning,
            struken=self.struken,
        )

    def folj_upp(self, *, genomford, effekt_bedomning: str, effekt: str, struken: str) -> str:
        """Sätter uppföljningen (redan prövad med `kvalitet.arende.kontrollera_uppfoljning`) och returnerar
        tidslinjens text. Sparar inte: tjänsten låser, räknar upp versionen och sparar."""
        struken = (struken or "").strip()
        if struken:
            self.struken, self.effekt_bedomning = struken, ""
            setattr(self, self.GENOMFORD_FALT, None)
            return f"Åtgärd struken: {self.text[:200]} ({struken[:200]})"
        self.struken, self.effekt_bedomning = "", effekt_bedomning
        setattr(self, self.GENOMFORD_FALT, genomford)
        setattr(self, self.EFFEKT_TEXT_FALT, (effekt or "").strip())
        return f"Åtgärd genomförd: {self.text[:200]} (effekt: {Effekt(effekt_bedomning).label.lower()})"


class Arendebilaga(models.Model):
    """Foto eller dokument till ett ärende. Filen ligger i den privata lagringen (kvalitet.bilagor) och hämtas
    bara genom appens vy, som kontrollerar åtkomsten och loggar visningen."""

    fil = models.FileField(storage=privat_lagring, upload_to=uppladdningsvag, max_length=200)
    filnamn = models.CharField(_("filnamn"), max_length=200)
    mime = models.CharField(max_length=100)
    storlek = models.PositiveIntegerField()
    uppladdad_av = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uppladdad = models.DateTimeField(auto_now_add=True)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["uppladdad", "pk"]
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")

    def __str__(self):
        return self.filnamn
