import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError

from kvalitet import access
from kvalitet.models import Brukare, Insats, Insatstyp, NodTyp, OrgNod
from kvalitet.personnummer import normalisera_personnummer


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


class BrukareForm(forms.ModelForm):
    """Ny eller ändrad brukare. Nämnden begränsas till dem användaren får ändra i."""

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
        if self.instance.pk:
            self.initial["personnummer"] = self.instance.personnummer_visning
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", "Spara"))

    def clean_personnummer(self):
        nummer = normalisera_personnummer(self.cleaned_data["personnummer"])
        dubblett = Brukare.objects.filter(personnummer=nummer).exclude(pk=self.instance.pk)
        if dubblett.exists():
            raise ValidationError("Det finns redan en brukare med det numret.")
        return nummer


class InsatsForm(RimligaDatum, forms.ModelForm):
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


class SokForm(forms.Form):
    q = forms.CharField(label="Sök namn eller personnummer", required=False, max_length=100)


class LoggkontrollForm(forms.Form):
    brukare = forms.IntegerField(label="Brukare (nr)", required=False, min_value=1)
    q = forms.CharField(label="Sök brukare", required=False, max_length=100)
