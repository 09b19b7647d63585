"""Avvikelser och klagomål/synpunkter."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kvalitet.access import AtkomstQuerySet
from kvalitet.models.arende import Arendeatgard, Arendebilaga, Tidslinjehandelse
from kvalitet.models.brukare import Lag


class Kategori(models.Model):
    """Avvikelsekategori, konfigurerbar per kommun. En pensionerad kategori (aktiv=False) finns kvar på
    gamla avvikelser och i statistiken men erbjuds inte längre."""

    namn = models.CharField(_("namn"), max_length=100, unique=True)
    aktiv = models.BooleanField(_("erbjuds"), default=True)
    ordning = models.PositiveSmallIntegerField(_("ordning"), default=0)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        ordering = ["ordning", "namn"]
        verbose_name = _("avvikelsekategori")
        verbose_name_plural = _("avvikelsekategorier")

    def __str__(self):
        return self.namn


class Orsak(models.Model):
    """Orsakstyp för utredningen (rutin saknas/ej följd, bemanning, ...). Konfigurerbar lista."""

    namn = models.CharField(_("namn"), max_length=100, unique=True)
    aktiv = models.BooleanField(_("erbjuds"), default=True)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        ordering = ["namn"]
        verbose_name = _("orsak")
        verbose_name_plural = _("orsaker")

    def __str__(self):
        return self.namn


class AvvikelseStatus(models.TextChoices):
    RAPPORTERAD = "rapporterad", _("Rapporterad")
    UNDER_UTREDNING = "under_utredning", _("Under utredning")
    ATGARDAD = "atgardad", _("Åtgärdad")
    AVSLUTAD = "avslutad", _("Avslutad")


class Avvikelse(models.Model):
    """En rapporterad avvikelse vid en enhet, med utredning (orsaker, risk, slutsats)."""

    referensnummer = models.CharField(_("referensnummer"), max_length=20, unique=True)
    enhet = models.ForeignKey(
        "kvalitet.OrgNod", on_delete=models.PROTECT, related_name="avvikelser", verbose_name=_("enhet")
    )
    brukare = models.ForeignKey(
        "kvalitet.Brukare",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="avvikelser",
        verbose_name=_("enskild"),
    )
    rapporterad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="rapporterade_avvikelser",
        verbose_name=_("rapporterad av"),
    )
    anonym = models.BooleanField(_("dölj mitt namn för enheten"), default=False)
    # Sätts när posten skapas; en historisk post som förs in i efterhand (API:t) får sitt eget datum.
    rapporterad = models.DateTimeField(_("rapporterad"), default=timezone.now, editable=False, db_index=True)
    handelsetid = models.DateTimeField(_("när hände det"), db_index=True)
    lag = models.CharField(_("lag"), max_length=3, choices=Lag.choices)
    kategori = models.ForeignKey(
        Kategori, on_delete=models.PROTECT, related_name="avvikelser", verbose_name=_("kategori")
    )
    beskrivning = models.TextField(_("vad hände"))
    atgard_direkt = models.TextField(_("vad gjordes direkt"), blank=True)
    konsekvens_for_brukaren = models.TextField(_("konsekvens för den enskilde"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=AvvikelseStatus.choices, default=AvvikelseStatus.RAPPORTERAD
    )
    orsaker = models.ManyToManyField(Orsak, blank=True, related_name="avvikelser", verbose_name=_("orsaker"))
    konsekvens = models.PositiveSmallIntegerField(_("konsekvens (1–4)"), null=True, blank=True)
    sannolikhet = models.PositiveSmallIntegerField(
        _("sannolikhet att det händer igen (1–4)"), null=True, blank=True
    )
    slutsats = models.TextField(_("slutsats"), blank=True)
    # Chefens återkoppling till den som rapporterade, skriven när avvikelsen avslutas. Rapportören (också en
    # anonym) läser den på Mina rapporter; enheten får aldrig veta vem det är.
    aterkoppling = models.TextField(_("återkoppling till den som rapporterade"), blank=True)
    aterkopplad = models.DateTimeField(_("återkopplad"), null=True, blank=True)
    paborjad = models.DateTimeField(_("utredning påbörjad"), null=True, blank=True)
    avslutad = models.DateTimeField(_("avslutad"), null=True, blank=True)
    # Optimistisk låsning av utredningen: två chefer som sparar samma version skriver inte över varandra.
    version = models.PositiveIntegerField(default=0, editable=False)
    # Formulärets engångsnyckel (skapas när formuläret visas): ett dubbelklick på Skicka, eller samma
    # formulär skickat igen, ger samma avvikelse i stället för en till.
    inlamningsnyckel = models.UUIDField(
        _("inlämningsnyckel"), null=True, blank=True, unique=True, editable=False
    )

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords()

    # Statusar där avvikelsen är skrivskyddad (kvalitet.arende.far_andras) tills den öppnas igen.
    STANGDA_STATUSAR = (AvvikelseStatus.AVSLUTAD,)

    class Meta:
        ordering = ["-rapporterad"]
        verbose_name = _("avvikelse")
        verbose_name_plural = _("avvikelser")
        indexes = [
            models.Index(fields=["enhet", "status", "rapporterad"]),
            # Statistiken läser en period per enhet: intervallsökning i stället för alla år, och med
            # kolumnerna som grupperingarna behöver i indexet (PostgreSQL) läses tabellen inte alls.
            models.Index(
                fields=["enhet", "handelsetid"],
                include=["id", "kategori", "brukare", "rapporterad", "avslutad"],
                name="avvikelse_enhet_handelsetid",
            ),
            # Chefens "Ta upp avvikelse" (äldst först bland de ej påbörjade vid hens enheter): med flera enheter
            # valde PostgreSQL annars indexet på `rapporterad` över alla år och filtrerade bort nästan en miljon
            # rader (2,4 s vid 1 000 000 avvikelser, 0,3 ms med det här; BENCHMARKS.md, Startsidan).
            models.Index(
                fields=["rapporterad"],
                condition=models.Q(status="rapporterad"),
                name="avvikelse_ej_paborjade",
            ),
        ]

    def __str__(self):
        return self.referensnummer

    @property
    def riskvarde(self):
        from kvalitet import riskmatris

        return riskmatris.riskvarde(self.konsekvens, self.sannolikhet)

    @property
    def riskniva(self):
        from kvalitet import riskmatris

        return riskmatris.niva(self.riskvarde)


class Manadsantal(models.Model):
    """Antal avvikelser per enhet, kategori och händelsemånad (lokal tid): statistikens sammanställning.

    Skrivs bara av databasen: triggrar på avvikelsetabellen (PostgreSQL, se `avvikelser/sammanstallning.py`)
    håller den aktuell vid varje INSERT, UPDATE och DELETE, också vid massimport och SQL utanför Django.
    Statistiken läser hela månader härifrån och periodens kanter ur avvikelserna. På SQLite (demon) finns
    inga triggrar och tabellen används inte."""

    enhet = models.ForeignKey("kvalitet.OrgNod", on_delete=models.CASCADE, related_name="+")
    kategori = models.ForeignKey(Kategori, on_delete=models.CASCADE, related_name="+")
    manad = models.DateField(_("månad"), help_text=_("Första dagen i månaden."))
    # Positivt heltal (CHECK i databasen): ett negativt antal vore ett fel i triggern, och då hellre ett
    # avbrutet anrop än fel statistik.
    antal = models.PositiveIntegerField(_("antal"), default=0)

    objects = AtkomstQuerySet.as_manager()

    class Meta:
        verbose_name = _("månadsantal")
        verbose_name_plural = _("månadsantal")
        constraints = [
            models.UniqueConstraint(fields=["enhet", "kategori", "manad"], name="manadsantal_unik"),
        ]

    def __str__(self):
        return f"{self.enhet_id}/{self.kategori_id}/{self.manad:%Y-%m}: {self.antal}"


class Handelse(Tidslinjehandelse):
    """En rad i avvikelsens tidslinje: statusbyte, anteckning, eskalering."""

    avvikelse = models.ForeignKey(Avvikelse, on_delete=models.CASCADE, related_name="handelser")


class Atgard(Arendeatgard):
    """En åtgärd i utredningen (kvalitet.models.Arendeatgard). `klar` följer genomförd/struken och finns kvar
    för API:t och statistiken."""

    avvikelse = models.ForeignKey(Avvikelse, on_delete=models.CASCADE, related_name="atgarder")
    klar = models.BooleanField(_("klar"), default=False)
    genomford = models.DateField(_("genomförd"), null=True, blank=True)
    effekt = models.TextField(_("effekt"), blank=True)

    history = HistoricalRecords()


class Avsandartyp(models.TextChoices):
    ENSKILD = "enskild", _("Den enskilde")
    ANHORIG = "anhorig", _("Anhörig")
    FORETRADARE = "foretradare", _("Företrädare")
    ANNAN = "annan", _("Annan")


class KlagomalTyp(models.TextChoices):
    KLAGOMAL = "klagomal", _("Klagomål")
    FORSLAG = "forslag", _("Förslag")
    BEROM = "berom", _("Beröm")


class KlagomalStatus(models.TextChoices):
    MOTTAGET = "mottaget", _("Mottaget")
    UNDER_HANDLAGGNING = "under_handlaggning", _("Under handläggning")
    AVSLUTAT = "avslutat", _("Avslutat")


class Klagomal(models.Model):
    """Ett klagomål, förslag eller beröm, registrerat av personal eller via det öppna formuläret."""

    referensnummer = models.CharField(_("referensnummer"), max_length=20, unique=True)
    enhet = models.ForeignKey(
        "kvalitet.OrgNod", on_delete=models.PROTECT, related_name="klagomal", verbose_name=_("enhet")
    )
    typ = models.CharField(_("typ"), max_length=10, choices=KlagomalTyp.choices, default=KlagomalTyp.KLAGOMAL)
    avsandartyp = models.CharField(
        _("avsändare"), max_length=12, choices=Avsandartyp.choices, default=Avsandartyp.ENSKILD
    )
    anonym = models.BooleanField(_("anonym"), default=False)
    namn = models.CharField(_("namn"), max_length=200, blank=True)
    kontakt = models.CharField(_("e-post eller telefon"), max_length=200, blank=True)
    beskrivning = models.TextField(_("beskrivning"))
    # Tema ur samma konfigurerbara lista som avvikelsernas kategorier. Sätts av personalen (inte av
    # avsändaren i e-tjänsten); en pensionerad kategori finns kvar på gamla ärenden och i statistiken.
    tema = models.ForeignKey(
        Kategori,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="klagomal",
        verbose_name=_("tema"),
    )
    # Sätts när ärendet registreras; ett historiskt ärende (API:t) får det datum det kom in.
    inkommet = models.DateTimeField(_("inkommet"), default=timezone.now, editable=False, db_index=True)
    via_e_tjanst = models.BooleanField(_("via e-tjänst"), default=False)
    registrerad_av = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrerade_klagomal",
        verbose_name=_("registrerad av"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=KlagomalStatus.choices, default=KlagomalStatus.MOTTAGET
    )
    aterkoppling_datum = models.DateField(_("återkoppling, datum"), null=True, blank=True)
    aterkoppling_hur = models.CharField(_("återkoppling, hur"), max_length=200, blank=True)
    avslutat = models.DateTimeField(_("avslutat"), null=True, blank=True)
    # Optimistisk låsning (kvalitet.samtidighet): temat sparas bara mot den version formuläret visade.
    version = models.PositiveIntegerField(default=0, editable=False)

    objects = AtkomstQuerySet.as_manager()
    history = HistoricalRecords()

    # Ett avslutat ärende är skrivskyddat (kvalitet.arende.far_andras) tills det öppnas igen med motivering.
    STANGDA_STATUSAR = (KlagomalStatus.AVSLUTAT,)

    class Meta:
        ordering = ["-inkommet"]
        verbose_name = _("klagomål eller synpunkt")
        verbose_name_plural = _("klagomål och synpunkter")

    def __str__(self):
        return self.referensnummer


class KlagomalHandelse(Tidslinjehandelse):
    """En rad i klagomålets tidslinje: registrering, åtgärder, avslut och återöppning."""

    klagomal = models.ForeignKey(Klagomal, on_delete=models.CASCADE, related_name="handelser")


class KlagomalAtgard(Arendeatgard):
    """En åtgärd med anledning av ett klagomål (kvalitet.models.Arendeatgard), med samma regler som
    avvikelsens: genomförd med effektbedömning eller struken med motivering innan ärendet avslutas."""

    klagomal = models.ForeignKey(Klagomal, on_delete=models.CASCADE, related_name="atgarder")
    genomford = models.DateField(_("genomförd"), null=True, blank=True)
    effekt = models.TextField(_("effekt"), blank=True)

    history = HistoricalRecords()

    class Meta(Arendeatgard.Meta):
        verbose_name = _("åtgärd för klagomål")
        verbose_name_plural = _("åtgärder för klagomål")


class OppenInlamning(models.Model):
    """En inlämning via det öppna formuläret, för hastighetsbegränsning utan Redis."""

    klientnyckel = models.CharField(max_length=64, db_index=True)
    tidpunkt = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AtkomstQuerySet.as_manager()

    def __str__(self):
        return f"{self.klientnyckel} {self.tidpunkt}"


class Bilaga(Arendebilaga):
    """Foto eller dokument till en avvikelse (kvalitet.models.Arendebilaga)."""

    avvikelse = models.ForeignKey(Avvikelse, on_delete=models.CASCADE, related_name="bilagor")
