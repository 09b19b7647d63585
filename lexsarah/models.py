"""Lex Sarah: rapport, utredning, bedömning, anmälan till IVO, uppföljning av åtgärder och avslut."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvalitet.access import AtkomstQuerySet
from kvalitet.models.arende import Arendeatgard, Arendebilaga, Tidslinjehandelse


class Status(models.TextChoices):
    RAPPORT = "rapport", _("Rapport")
    UTREDNING = "utredning", _("Utredning")
    BEDOMD = "bedomd", _("Bedömd")
    ANMALD_IVO = "anmald_ivo", _("Anmäld till IVO")
    ATGARDER_UPPFOLJDA = "atgarder_uppfoljda", _("Åtgärder uppföljda")
    AVSLUTAD = "avslutad", _("Avslutad")


class Beslut(models.TextChoices):
    EJ_MISSFORHALLANDE = "ej", _("Inte ett missförhållande")
    MISSFORHALLANDE = "missforhallande", _("Missförhållande")
    PATAGLIG_RISK = "risk", _("Påtaglig risk för missförhållande")


class Rapport(models.Model):
    """En lex Sarah-rapport och dess utredning. Rapportörens namn sparas men visas bara för utredarna."""

    referensnummer = models.CharField(_("referensnummer"), max_length=20, unique=True)
    enhet = models.ForeignKey(
        "kvalitet.OrgNod",
        on_delete=models.PROTECT,
        related_name="lexsarah_rapporter",
        verbose_name=_("enhet"),
    )
    avvikelse = models.OneToOneField(
        "avvikelser.Avvikelse",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lexsarah_rapport",
        verbose_name=_("avvikelse"),
    )
    brukare = models.ForeignKey(
        "kvalitet.Brukare",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lexsarah_rapporter",
        verbose_name=_("enskild"),
    )
    # Fler enskilda kan beröras av samma händelse. `brukare` är den som främst berörs (den följer med från
    # en avvikelse och används i API-filter och PDF); övriga läggs här, med samma regler för skyddad identitet.
    ovriga_brukare = models.ManyToManyField(
        "kvalitet.Brukare",
        blank=True,
        related_name="lexsarah_rapporter_ovriga",
        verbose_name=_("övriga berörda enskilda"),
    )
    rapporterad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="lexsarah_rapporter",
        verbose_name=_("rapporterad av"),
    )
    # Andelen rapporter från personal jämfört med chefer är ett mått på om personalen känner sin skyldighet.
    rapportor_chef = models.BooleanField(_("rapporterad av chef"), default=False)
    rapporterad = models.DateTimeField(_("rapporterad"), auto_now_add=True, db_index=True)
    handelsetid = models.DateTimeField(_("när hände det"))
    upptackt = models.DateTimeField(_("när upptäcktes det"))
    sammanfattning = models.CharField(
        _("kort rubrik (utan personuppgifter)"),
        max_length=150,
        help_text=_("Visas i det årliga registret, t.ex. ”Utebliven tillsyn nattetid”. Inga namn."),
    )
    beskrivning = models.TextField(_("vad hände"))
    atgard_direkt = models.TextField(_("vad gjordes direkt"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.RAPPORT)
    bedomning_senast = models.DateField(_("bedömning senast"), null=True, blank=True)

    # Utredningen (SOSFS 2011:5): fakta, konsekvenser, den enskildes syn, orsaker, deltagare, källor.
    forlopp = models.TextField(_("fakta och händelseförlopp"), blank=True)
    konsekvenser = models.TextField(_("konsekvenser för den enskilde"), blank=True)
    enskildes_syn = models.TextField(_("den enskildes eller närståendes syn"), blank=True)
    enskildes_syn_ej_orsak = models.TextField(_("varför synpunkter inte inhämtats"), blank=True)
    orsaker = models.TextField(_("orsaker (analys)"), blank=True)
    deltagare = models.TextField(_("vilka som deltagit i utredningen"), blank=True)
    kallor = models.TextField(_("källor (dokument, samtal)"), blank=True)

    # Bedömningen
    konsekvens = models.PositiveSmallIntegerField(_("konsekvens (1–4)"), null=True, blank=True)
    sannolikhet = models.PositiveSmallIntegerField(
        _("sannolikhet att det händer igen (1–4)"), null=True, blank=True
    )
    beslut = models.CharField(_("bedömning"), max_length=20, choices=Beslut.choices, blank=True)
    allvarligt = models.BooleanField(_("allvarligt"), null=True, blank=True)
    motivering = models.TextField(_("motivering"), blank=True)
    beslutad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    beslutad = models.DateTimeField(_("beslutad"), null=True, blank=True)

    # Anmälan till IVO
    ivo_skickad = models.DateField(_("anmälan skickad till IVO"), null=True, blank=True)
    ivo_diarienummer = models.CharField(_("IVO:s diarienummer"), max_length=50, blank=True)
    ivo_fore_utredning = models.BooleanField(_("anmäld innan utredningen var klar"), default=False)
    ivo_komplettering = models.DateField(_("komplettering skickad"), null=True, blank=True)
    ivo_beslut = models.TextField(_("IVO:s beslut"), blank=True)
    ivo_beslut_datum = models.DateField(_("datum för IVO:s beslut"), null=True, blank=True)
    enskild_informerad = models.DateField(_("den enskilde informerad om anmälan"), null=True, blank=True)
    enskild_informerad_hur = models.CharField(
        _("hur den enskilde informerades, eller varför inte"), max_length=300, blank=True
    )

    avslutad = models.DateTimeField(_("avslutad"), null=True, blank=True)
    # Optimistisk låsning (kvalitet.samtidighet): utredning, bedömning, berörda och IVO-uppgifter sparas
    # bara mot den version formuläret visade, så att två utredare inte skriver över varandra.
    version = models.PositiveIntegerField(default=0, editable=False)
    # Rapportformulärets engångsnyckel: ett dubbelklick på Skicka ger en rapport (som för avvikelser).
    inlamningsnyckel = models.UUIDField(
        _("inlämningsnyckel"), null=True, blank=True, unique=True, editable=False
    )

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[ovriga_brukare])

    # Ett avslutat ärende är skrivskyddat (kvalitet.arende.far_andras) tills det öppnas igen med motivering.
    STANGDA_STATUSAR = ("avslutad",)

    class Meta:
        ordering = ["-rapporterad"]
        verbose_name = _("lex Sarah-rapport")
        verbose_name_plural = _("lex Sarah-rapporter")
        indexes = [models.Index(fields=["enhet", "status", "rapporterad"])]

    def __str__(self):
        return self.referensnummer

    def get_absolute_url(self):
        return reverse("lexsarah:detalj", args=[self.pk])

    @property
    def riskvarde(self):
        from kvalitet import riskmatris

        return riskmatris.riskvarde(self.konsekvens, self.sannolikhet)

    @property
    def riskniva(self):
        from kvalitet import riskmatris

        return riskmatris.niva(self.riskvarde)

    @property
    def utredning_klar(self) -> bool:
        return self.beslutad is not None

    def berorda(self) -> list:
        """Alla berörda enskilda: den som främst berörs först, sedan övriga (utan dubbletter)."""
        berorda = [self.brukare] if self.brukare_id else []
        berorda += [b for b in self.ovriga_brukare.all() if b.pk != self.brukare_id]
        return berorda


class Handelse(Tidslinjehandelse):
    """Tidslinjen: statusbyten, kommentarer och ändringar, med vem och när."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="handelser")
    kommentar = models.BooleanField(default=False)


class AtgardTyp(models.TextChoices):
    DIREKT = "direkt", _("Vidtagen direkt")
    FOREBYGGANDE = "forebyggande", _("Planerad för att förhindra upprepning")


class Atgard(Arendeatgard):
    """En åtgärd (kvalitet.models.Arendeatgard): direkt eller förebyggande; uppföljningen är datum och resultat."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="atgarder")
    typ = models.CharField(_("typ"), max_length=15, choices=AtgardTyp.choices, default=AtgardTyp.FOREBYGGANDE)
    uppfoljd = models.DateField(_("uppföljd"), null=True, blank=True)
    resultat = models.TextField(_("resultat av uppföljningen"), blank=True)

    history = HistoricalRecords()

    GENOMFORD_FALT = "uppfoljd"
    EFFEKT_TEXT_FALT = "resultat"


class Bilaga(Arendebilaga):
    """Dokument eller foto till utredningen (kvalitet.models.Arendebilaga)."""

    rapport = models.ForeignKey(Rapport, on_delete=models.CASCADE, related_name="bilagor")
