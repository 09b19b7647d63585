import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from kvalitet import access
from kvalitet.arende import EFFEKT_FRAGA, Effekt
from kvalitet.models import Brukare, Insats, Insatstyp, NodTyp, OrgNod
from kvalitet.personnummer import normalisera_personnummer
from kvalitet.samtidighet import MedVersion
from kvalitet.services import BRUKARE_KAN_INTE_SPARAS


class DatumInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# Utanför de här gränserna är ett datum ett skrivfel, och år 1 eller 9999 ger OverflowError vid
# tidszonsomräkningen eller "en dag till" (ett 500-svar i stället för ett felmeddelande).
MINSTA_DATUM = datetime.date(1900, 1, 1)
STORSTA_DATUM = datetime.date(2100, 12, 31)
UTANFOR_MEDDELANDE = f"Ange ett datum mellan {MINSTA_DATUM:%Y-%m-%d} och {STORSTA_DATUM:%Y-%m-%d}."


def inom_granserna(value) -> bool:
    """Ligger datumet (eller tidpunktens datum, i sin egen tidszon) mellan MINSTA_DATUM och STORSTA_DATUM?
    Ingen tidszonsomräkning görs, så prövningen kan själv aldrig ge OverflowError."""
    dag = value.date() if isinstance(value, datetime.datetime) else value
    return MINSTA_DATUM <= dag <= STORSTA_DATUM


def rimligt_datum(value) -> None:
    """Validator för datum och tidpunkter (formulär, modeller och DRF): utanför gränserna ger det svenska
    meddelandet i stället för ett 500-svar längre fram."""
    if isinstance(value, datetime.date) and not inom_granserna(value):
        raise ValidationError(UTANFOR_MEDDELANDE, code="utanfor")


class Datumfalt(forms.DateField):
    """Datumfält för filter och perioder: datumväljare, ÅÅÅÅ-MM-DD och rimliga gränser."""

    widget = DatumInput
    default_error_messages = {"invalid": "Ange datumet som ÅÅÅÅ-MM-DD."}
    default_validators = [rimligt_datum]


_DATUMFALT = (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField)


def begransa_datum(form) -> None:
    """Ger varje datum- och tidpunktsfält i formuläret gränserna (även fält som en ModelForm skapat ur
    modellens DateField/DateTimeField). Felmeddelandena för ett felskrivet datum lämnas orörda."""
    for falt in form.fields.values():
        if isinstance(falt, _DATUMFALT) and rimligt_datum not in falt.validators:
            falt.validators.append(rimligt_datum)


class RimligaDatum:
    """Mixin för formulär (först i basklasserna): alla datum- och tidpunktsfält får rimliga gränser, så
    att år 1 eller 9999 blir ett formulärfel i stället för ett 500-svar."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        begransa_datum(self)


PERSONNUMMER_FINNS = "Det finns redan en brukare med det numret."


def personnummer_upptaget(user, nummer: str, *, utom_pk=None) -> str | None:
    """Meddelandet när numret redan finns hos en annan brukare, annars None.

    "Finns redan" bara om användaren får se den andra brukaren med identitet. Annars (annan nämnd, eller
    skyddad identitet med en annan handläggare) samma allmänna meddelande som tjänsten ger vid varje dold
    krock, utan fält: formuläret och importen ska inte gå att använda för att pröva om en person finns.
    Numret förblir unikt i kommunen (en person, en post), så ett skydd kan inte kringgås med en andra,
    oskyddad post. `user=None` är kommandot på servern, som ser allt.
    """
    annan = Brukare.objects.filter(personnummer=nummer).exclude(pk=utom_pk).first()
    if annan is None:
        return None
    if user is None or access.identitet_synlig(user, annan):
        return PERSONNUMMER_FINNS
    return BRUKARE_KAN_INTE_SPARAS


class BrukareForm(MedVersion, forms.ModelForm):
    """Ny eller ändrad brukare. Nämnden begränsas till dem användaren får ändra i.

    Vid skyddad identitet har formuläret varken handläggare eller skyddsmarkering (överlämning och att
    häva skyddet är egna åtgärder), och för andra än ärendets handläggare inte heller namn och nummer:
    fälten och deras värden finns då inte i sidan alls. Versionen (kvalitet.samtidighet) följer med i ett
    dolt fält, så att två som ändrar samma brukare inte skriver över varandra.
    """

    personnummer = forms.CharField(
        label="Personnummer eller samordningsnummer",
        max_length=13,
        help_text="ÅÅÅÅMMDD-NNNN",
    )

    class Meta:
        model = Brukare
        fields = ["personnummer", "fornamn", "efternamn", "skyddad_identitet", "namnd", "handlaggare"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        namnder = access.noder(user, access.HANDLAGGARE, access.KVALITETSSAMORDNARE)
        self.fields["namnd"].queryset = OrgNod.objects.filter(id__in=namnder, typ=NodTyp.NAMND)
        from django.contrib.auth import get_user_model

        self.fields["handlaggare"].queryset = (
            get_user_model()
            .objects.filter(roller__roll=access.HANDLAGGARE, roller__nod__in=namnder, is_active=True)
            .distinct()
            .order_by("last_name", "first_name")
        )
        self.fields["handlaggare"].label_from_instance = lambda u: u.get_full_name() or u.username
        if self.instance.pk and self.instance.skyddad_identitet:
            del self.fields["handlaggare"], self.fields["skyddad_identitet"]
            if not access.visa_identitet(user, self.instance):
                for falt in access.IDENTITETSFALT:
                    del self.fields[falt]
        if self.instance.pk and "personnummer" in self.fields:
            self.initial["personnummer"] = self.instance.personnummer_visning
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", "Spara"))

    def clean_personnummer(self):
        nummer = normalisera_personnummer(self.cleaned_data["personnummer"])
        meddelande = personnummer_upptaget(self.user, nummer, utom_pk=self.instance.pk)
        if meddelande == PERSONNUMMER_FINNS:
            raise ValidationError(meddelande)
        # En dold krock är inget fel i fältet: formuläret säger samma sak som tjänsten vid sparandet.
        self._dold_krock = meddelande is not None
        return nummer

    def clean(self):
        data = super().clean()
        if getattr(self, "_dold_krock", False):
            raise ValidationError(BRUKARE_KAN_INTE_SPARAS, code="krock")
        return data

    def validate_unique(self):
        # Numrets unikhet prövas i clean_personnummer; Djangos "finns redan" skulle röja dolda brukare.
        try:
            self.instance.validate_unique(exclude={*self._get_validation_exclusions(), "personnummer"})
        except ValidationError as fel:
            self._update_errors(fel)


class MotiveringForm(MedVersion, forms.Form):
    """Motivering till en åtgärd som ska gå att granska i efterhand (historiken rymmer 100 tecken).
    Brukarens version följer med (kvalitet.samtidighet): två som lämnar över samma ärende samtidigt skriver
    inte över varandra."""

    motivering = forms.CharField(
        label="Motivering",
        max_length=100,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 100}),
        error_messages={"required": "Skriv en motivering."},
    )

    def __init__(self, *args, knapp: str = "Spara", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", knapp))


class OverlamnaForm(MotiveringForm):
    """Lämna över en brukare med skyddad identitet: till en annan aktiv handläggare i brukarens nämnd."""

    handlaggare = forms.ModelChoiceField(label="Ny handläggare", queryset=None)

    field_order = ["handlaggare", "motivering"]

    def __init__(self, *args, brukare, user, **kwargs):
        super().__init__(*args, knapp="Lämna över ärendet", **kwargs)
        from kvalitet import queries

        # Inte till sig själv: den som inte har ärendet utser aldrig sig själv att se identiteten.
        self.fields["handlaggare"].queryset = (
            queries.handlaggare_i_namnd(brukare.namnd).exclude(pk=user.pk).exclude(pk=brukare.handlaggare_id)
        )
        self.fields["handlaggare"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.order_fields(self.field_order)


class InsatsForm(MedVersion, RimligaDatum, forms.ModelForm):
    class Meta:
        model = Insats
        fields = ["typ", "enhet", "beslutsdatum", "startdatum", "slutdatum"]
        widgets = {"beslutsdatum": DatumInput(), "startdatum": DatumInput(), "slutdatum": DatumInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["typ"].queryset = Insatstyp.objects.filter(aktiv=True)
        self.fields["enhet"].queryset = OrgNod.objects.filter(typ=NodTyp.ENHET, aktiv=True)
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", "Spara insats"))

    def clean(self):
        data = super().clean()
        beslut, start, slut = data.get("beslutsdatum"), data.get("startdatum"), data.get("slutdatum")
        if beslut and start and start < beslut:
            self.add_error("startdatum", "Verkställighetsdatum kan inte ligga före beslutsdatum.")
        if beslut and slut and slut < beslut:
            self.add_error("slutdatum", "Slutdatum kan inte ligga före beslutsdatum.")
        if start and slut and slut < start:
            self.add_error("slutdatum", "Slutdatum kan inte ligga före verkställighetsdatum.")
        return data

    def _post_clean(self):
        super()._post_clean()
        if "typ" in self.cleaned_data:
            self.instance.lag = self.cleaned_data["typ"].lag


ANSVARIG_UTANFOR = (
    "Välj en ansvarig i listan: en person med en giltig roll vid enheten eller ovanför den i samma nämnd."
)


class AnsvarigVal(forms.ModelChoiceField):
    """ "Ansvarig" för en åtgärd: personerna som `queries.mojliga_ansvariga` ger för postens nod, med
    fullständigt namn och roll. Samma urval prövar det som skickas in, så ett id från en annan nämnd, en
    utgången roll eller admin ger ett svenskt fel. `behall` är den som redan står på posten, så att en
    ändring av annat inte faller på att hens roll har gått ut."""

    def __init__(self, *, nod, och_under: bool = False, behall=None, **kwargs):
        from kvalitet import queries

        qs = queries.mojliga_ansvariga(nod, och_under=och_under)
        if behall:
            qs = (qs | qs.model.objects.filter(pk=behall)).distinct()
        self._nod, self._och_under = nod, och_under
        self._roller = None
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Ansvarig")
        kwargs.setdefault("error_messages", {"invalid_choice": ANSVARIG_UTANFOR})
        super().__init__(queryset=qs.order_by("last_name", "first_name", "pk"), **kwargs)

    def label_from_instance(self, obj):
        if self._roller is None:
            from kvalitet import queries

            self._roller = queries.ansvarigas_roller(self._nod, och_under=self._och_under)
        namn = obj.get_full_name() or obj.username
        roller = self._roller.get(obj.pk)
        return f"{namn} ({'; '.join(roller)})" if roller else namn


class AtgardUppfoljningForm(MedVersion, RimligaDatum, forms.Form):
    """Markera en åtgärd (kvalitet.models.Arendeatgard) genomförd med effektbedömning, eller stryk den med en
    motivering. Samma formulär för avvikelser, klagomål och riskanalyser."""

    atgard = forms.IntegerField(widget=forms.HiddenInput)
    genomford = Datumfalt(label="Genomförd", required=False)
    effekt_bedomning = forms.ChoiceField(
        label=EFFEKT_FRAGA,
        choices=Effekt.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    effekt = forms.CharField(
        label="Beskriv effekten", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    struken = forms.CharField(
        label="Eller: stryk åtgärden, med motivering",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, atgard=None, **kwargs):
        if atgard is not None:
            # Ett formulär per åtgärd på sidan: samma fältnamn, men egna id:n.
            kwargs.setdefault("auto_id", f"id_atgard{atgard.pk}_%s")
            kwargs.setdefault(
                "initial",
                {
                    "atgard": atgard.pk,
                    "genomford": atgard.genomford_datum,
                    "effekt_bedomning": atgard.effekt_bedomning,
                    "effekt": atgard.effekt_beskrivning,
                    "struken": atgard.struken,
                },
            )
            kwargs.setdefault("version", atgard.version)
        super().__init__(*args, **kwargs)
        self.fields["genomford"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_genomford(self):
        datum = self.cleaned_data.get("genomford")
        if datum and datum > timezone.localdate():
            raise forms.ValidationError("Genomförd kan inte ligga i framtiden.")
        return datum


class SokForm(forms.Form):
    q = forms.CharField(label="Sök namn eller personnummer", required=False, max_length=100)


class SokningForm(forms.Form):
    """Sökningen i menyn: referensnummer eller fritext i avvikelser, klagomål och lex Sarah."""

    q = forms.CharField(
        label="Sök referensnummer eller text",
        max_length=200,
        min_length=2,
        error_messages={
            "required": "Skriv vad du söker.",
            "min_length": "Skriv minst två tecken.",
            "max_length": "Sökningen får vara högst 200 tecken.",
        },
    )


class LoggkontrollForm(forms.Form):
    brukare = forms.IntegerField(label="Brukare (nr)", required=False, min_value=1)
    q = forms.CharField(label="Sök brukare", required=False, max_length=100)


INDRAG = "\u00a0\u00a0"  # nodens djup i listan (hårda mellanslag: vanliga slås ihop i en <option>)


class AtgardsregisterForm(forms.Form):
    """Filtret på åtgärdsregistret. Noderna och de ansvariga är de användaren själv når (inga andra
    nämnders namn i listan); ett värde utanför ger ett svenskt fel och registret visas ofiltrerat på den
    punkten, med det övriga som skrivits kvar i formuläret."""

    nod = forms.ModelChoiceField(queryset=OrgNod.objects.none(), required=False, label="Enhet eller nod")
    ansvarig = forms.ModelChoiceField(queryset=None, required=False, label="Ansvarig")
    status = forms.ChoiceField(required=False, label="Status")
    kalla = forms.ChoiceField(required=False, label="Modul")
    fran = Datumfalt(required=False, label="Klar senast från")
    till = Datumfalt(required=False, label="Klar senast till")
    forsenade = forms.BooleanField(required=False, label="Bara försenade")

    def __init__(self, *args, user, **kwargs):
        from django.contrib.auth import get_user_model

        from kvalitet import atgardsregister, queries

        super().__init__(*args, **kwargs)
        roller = access.SIDOR[atgardsregister.SIDA].roller
        self.fields["nod"].queryset = OrgNod.objects.filter(
            pk__in=access.noder(user, *roller), aktiv=True
        ).order_by("sokvag")
        self.fields["nod"].label_from_instance = lambda n: INDRAG * max(n.djup - 1, 0) + n.namn
        ansvariga = get_user_model().objects.filter(pk=user.pk)
        for nod in OrgNod.objects.filter(pk__in=access.behorighet(user).tilldelade_noder(*roller)):
            ansvariga = ansvariga | queries.mojliga_ansvariga(nod, och_under=True)
        self.fields["ansvarig"].queryset = ansvariga.distinct().order_by("last_name", "first_name", "pk")
        self.fields["ansvarig"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["status"].choices = [("", "Alla"), *atgardsregister.STATUSVAL]
        self.fields["kalla"].choices = [("", "Alla"), *atgardsregister.KALLOR.items()]
        self.fields["nod"].empty_label = self.fields["ansvarig"].empty_label = "Alla"
        for namn, falt in self.fields.items():
            klass = {"forsenade": "form-check-input", "fran": "form-control form-control-sm"}.get(namn)
            klass = klass or (
                "form-control form-control-sm" if namn == "till" else "form-select form-select-sm"
            )
            falt.widget.attrs["class"] = klass

    def clean(self):
        data = super().clean()
        if data.get("fran") and data.get("till") and data["fran"] > data["till"]:
            self.add_error("till", "Slutdatumet ligger före startdatumet.")
        return data

    def filter(self):
        """Filtret av de fält som gick att tolka (ett felaktigt fält filtrerar inte)."""
        from kvalitet.atgardsregister import Filter

        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Filter(
            nod=data.get("nod"),
            ansvarig_id=data["ansvarig"].pk if data.get("ansvarig") else None,
            status=data.get("status") or "",
            forsenade=bool(data.get("forsenade")),
            kalla=data.get("kalla") or "",
            fran=data.get("fran"),
            till=data.get("till") if "till" not in self.errors else None,
        )
