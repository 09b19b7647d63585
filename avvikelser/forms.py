"""Formulär för avvikelser och klagomål. Ogiltig inmatning ger svenska fel och behåller värdena."""

import json
import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from avvikelser.models import (
    Atgard,
    Avsandartyp,
    Avvikelse,
    AvvikelseStatus,
    Kategori,
    Klagomal,
    KlagomalAtgard,
    KlagomalStatus,
    KlagomalTyp,
    Orsak,
)
from kvalitet import access
from kvalitet.bilagor import TILLATNA_TEXT, kontrollera_fil
from kvalitet.enskildval import EnskildVal
from kvalitet.forms import AnsvarigVal, Datumfalt, RimligaDatum
from kvalitet.models import NodTyp, OrgNod
from kvalitet.queries import brukare_sok, lag_per_enhet
from kvalitet.riskmatris import SKALA_VAL
from kvalitet.samtidighet import MedVersion


def _enheter_for(user):
    """Enheter användaren har en roll på (eller under); först i listan är den förvalda."""
    ids = access.noder(user, *access.ALLA_ROLLER)
    return OrgNod.objects.filter(pk__in=ids, typ=NodTyp.ENHET, aktiv=True).order_by("namn")


ENHET_I_LANKEN_FEL = (
    "Enheten i länken finns inte bland de enheter du kan rapportera för. Välj enhet i listan nedan."
)


def enhet_ur_lank(user, varde: str | None):
    """Enheten i en länk (`?enhet=<id>`, QR-affischen) om användaren får rapportera för den.

    Returnerar (enhet, fel): utan värde (None, ""), med ett okänt, felskrivet eller främmande id
    (None, svenskt meddelande). Samma svar för en enhet som inte finns och en som är någon annans, så
    att länken inte röjer vilka enheter som finns."""
    if not varde:
        return None, ""
    try:
        pk = int(str(varde).strip())
    except ValueError:
        return None, ENHET_I_LANKEN_FEL
    if not 0 < pk < 2**31:
        return None, ENHET_I_LANKEN_FEL
    enhet = _enheter_for(user).filter(pk=pk).first()
    return (enhet, "") if enhet is not None else (None, ENHET_I_LANKEN_FEL)


def kan_rapportera(user) -> bool:
    """Har användaren någon enhet att rapportera avvikelser eller registrera klagomål för?"""
    return _enheter_for(user).exists()


def _erbjudna_kategorier(nuvarande=None):
    """Kategorier som erbjuds; en pensionerad kategori som redan står på posten finns kvar i listan."""
    villkor = Q(aktiv=True)
    if nuvarande is not None:
        villkor |= Q(pk=nuvarande.pk if hasattr(nuvarande, "pk") else nuvarande)
    return Kategori.objects.filter(villkor)


def _inte_i_framtiden(tid):
    if tid and tid > timezone.now() + timezone.timedelta(minutes=5):
        raise forms.ValidationError("Tidpunkten kan inte ligga i framtiden.")
    return tid


class AvvikelseForm(RimligaDatum, forms.ModelForm):
    # Engångsnyckel som skapas när formuläret visas och följer med när det visas igen efter ett fel:
    # samma nyckel två gånger (dubbelklick) ger en avvikelse (services.avvikelse_rapportera).
    inlamningsnyckel = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Avvikelse
        fields = [
            "enhet",
            "handelsetid",
            "brukare",
            "lag",
            "kategori",
            "beskrivning",
            "atgard_direkt",
            "konsekvens_for_brukaren",
            "anonym",
        ]
        widgets = {
            "handelsetid": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "beskrivning": forms.Textarea(attrs={"rows": 3}),
            "atgard_direkt": forms.Textarea(attrs={"rows": 2}),
            "konsekvens_for_brukaren": forms.Textarea(attrs={"rows": 2}),
        }

    # Ett foto eller dokument redan när avvikelsen rapporteras (samma kontroller som bilagorna sedan:
    # kvalitet.bilagor). `capture` låter telefonen erbjuda kameran.
    fil = forms.FileField(
        label="Foto eller dokument (valfritt)",
        required=False,
        help_text=f"Ta ett foto eller välj en fil: {TILLATNA_TEXT}. Högst {settings.BILAGA_MAX_MB} MB.",
        widget=forms.FileInput(attrs={"accept": "image/*,application/pdf", "capture": "environment"}),
    )

    def __init__(self, *args, user, enhet=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        enheter = _enheter_for(user)
        self.fields["enhet"].queryset = enheter
        self.fields["enhet"].empty_label = None
        # Lagen som enheten entydigt arbetar under (kvalitet.queries.lag_per_enhet) fylls i, och skriptet
        # byter den när rapportören väljer en annan enhet (så länge hen inte själv valt lag).
        lagar = lag_per_enhet(enheter.values_list("pk", flat=True))
        self.fields["enhet"].widget.attrs["data-lag-per-enhet"] = json.dumps(
            {str(k): v for k, v in lagar.items()}
        )
        # Knappar i stället för rullistor: ett tryck på en telefon, inget att fälla ut.
        self.fields["lag"].widget = forms.RadioSelect(choices=[c for c in self.fields["lag"].choices if c[0]])
        self.fields["kategori"].queryset = Kategori.objects.filter(aktiv=True)
        self.fields["kategori"].widget = forms.RadioSelect(choices=self.fields["kategori"].choices)
        self.fields["kategori"].empty_label = None
        # Sökfält: inga namn visas förrän användaren söker, och träffarna loggas (kvalitet.enskildval).
        self.fields["brukare"] = EnskildVal(
            queryset=brukare_sok(user, "", access.VALJA),
            required=False,
            user=user,
            urval="valja",
            sammanhang="avvikelser",
            label="Enskild (valfritt)",
        )
        if not settings.AVVIKELSER_ANONYM_TILLATEN:
            # Kommunen har valt att rapportörens namn alltid syns för enheten.
            del self.fields["anonym"]
        self.fields["handelsetid"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if not self.is_bound:
            self.initial.setdefault("handelsetid", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
            self.initial.setdefault("inlamningsnyckel", uuid.uuid4())
            if enhet is not None:
                self.initial["enhet"] = enhet.pk
            forvald = self.initial.get("enhet") or next(iter(enheter.values_list("pk", flat=True)[:1]), None)
            if forvald in lagar:
                self.initial.setdefault("lag", lagar[forvald])
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", "Skicka avvikelsen"))

    def clean_fil(self):
        fil = self.cleaned_data.get("fil")
        if fil:
            kontrollera_fil(fil)
        return fil

    def fil_maste_valjas_igen(self) -> bool:
        """En fil valdes men formuläret visas igen med fel: webbläsaren kan inte behålla filen."""
        return self.is_bound and bool(self.errors) and bool(self.files.get(self.add_prefix("fil")))

    def clean_handelsetid(self):
        return _inte_i_framtiden(self.cleaned_data["handelsetid"])

    def clean_beskrivning(self):
        text = self.cleaned_data["beskrivning"].strip()
        if len(text) < 5:
            raise forms.ValidationError("Beskriv kort vad som hände.")
        return text


class StatusForm(forms.Form):
    till = forms.ChoiceField(label="Ny status", choices=AvvikelseStatus.choices)
    motivering = forms.CharField(label="Motivering (krävs vid återöppning)", required=False, max_length=2000)
    # Krävs när avvikelsen avslutas (tjänsten prövar det): visas för den som rapporterade.
    aterkoppling = forms.CharField(
        label="Återkoppling till den som rapporterade (krävs vid avslut)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UtredningForm(MedVersion, forms.Form):
    orsaker = forms.ModelMultipleChoiceField(
        queryset=Orsak.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Orsaker"
    )
    konsekvens = forms.TypedChoiceField(
        label="Konsekvens (1–4)",
        choices=[("", "–")] + SKALA_VAL,
        coerce=int,
        required=False,
        empty_value=None,
    )
    sannolikhet = forms.TypedChoiceField(
        label="Sannolikhet (1–4)",
        choices=[("", "–")] + SKALA_VAL,
        coerce=int,
        required=False,
        empty_value=None,
    )
    slutsats = forms.CharField(label="Slutsats", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", "Spara utredningen"))

    def clean(self):
        data = super().clean()
        if bool(data.get("konsekvens")) != bool(data.get("sannolikhet")):
            raise forms.ValidationError("Ange både konsekvens och sannolikhet, eller ingen av dem.")
        return data


class AtgardForm(RimligaDatum, forms.ModelForm):
    class Meta:
        model = Atgard
        # Genomförd och effekt följs upp för sig (AtgardUppfoljningForm), när åtgärden är gjord.
        fields = ["text", "ansvarig", "klar_senast"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "klar_senast": forms.DateInput(attrs={"type": "date"}),
        }

    def __init__(self, *args, avvikelse=None, nod=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Ansvarig: en person med en giltig roll vid ärendets enhet eller ovanför i nämnden.
        nod = nod if nod is not None else avvikelse.enhet
        self.fields["ansvarig"] = AnsvarigVal(nod=nod, behall=self.instance.ansvarig_id)
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", "Lägg till åtgärden"))


class ListfilterForm(forms.Form):
    """Det gemensamma för listornas filter (avvikelsekön och klagomålen): period, enhet och sortering.
    Enheterna är de användaren har en roll på; en period med från efter till är ett fel, inte en tom lista."""

    fran = Datumfalt(required=False, label="Från")
    till = Datumfalt(required=False, label="Till")
    enhet = forms.ModelChoiceField(queryset=OrgNod.objects.none(), required=False, empty_label="Alla")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.fields["enhet"].queryset = _enheter_for(user)
        # Filtren ritas fält för fält i mallen (utan crispy), så Bootstraps klasser sätts här.
        for falt in self.fields.values():
            falt.widget.attrs["class"] = (
                "form-select" if isinstance(falt.widget, forms.Select) else "form-control"
            )

    def clean(self):
        data = super().clean()
        if data.get("fran") and data.get("till") and data["fran"] > data["till"]:
            self.add_error("till", "Till-datumet ska vara samma dag som från-datumet eller senare.")
        return data


class KoFilterForm(ListfilterForm):
    status = forms.ChoiceField(choices=[("", "Alla")] + AvvikelseStatus.choices, required=False)
    kategori = forms.ModelChoiceField(queryset=Kategori.objects.all(), required=False, empty_label="Alla")
    enskild = forms.CharField(required=False, label="Enskild (namn/personnr)", max_length=100)
    sortera = forms.ChoiceField(
        choices=[("-rapporterad", "Nyast först"), ("rapporterad", "Äldst först"), ("status", "Status")],
        required=False,
    )
    field_order = ["status", "kategori", "fran", "till", "enhet", "enskild", "sortera"]


class KlagomalFilterForm(ListfilterForm):
    """Klagomålslistans filter: kön filter (status, period, enhet, sortering) plus typ, tema och avsändare."""

    status = forms.ChoiceField(choices=[("", "Alla")] + KlagomalStatus.choices, required=False)
    typ = forms.ChoiceField(choices=[("", "Alla")] + KlagomalTyp.choices, required=False)
    tema = forms.ModelChoiceField(queryset=Kategori.objects.all(), required=False, empty_label="Alla")
    avsandartyp = forms.ChoiceField(
        label="Avsändare", choices=[("", "Alla")] + Avsandartyp.choices, required=False
    )
    sortera = forms.ChoiceField(
        choices=[("-inkommet", "Nyast först"), ("inkommet", "Äldst först"), ("status", "Status")],
        required=False,
    )
    field_order = ["status", "typ", "tema", "avsandartyp", "fran", "till", "enhet", "sortera"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fran"].label, self.fields["till"].label = "Inkommet från", "Inkommet till"


class KlagomalOppetForm(forms.ModelForm):
    """Det öppna formuläret (e-tjänsten). Fältet "webbplats" är en honungsfälla som människor lämnar tomt."""

    webbplats = forms.CharField(
        required=False,
        label="Lämna tomt",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Klagomal
        fields = ["enhet", "typ", "avsandartyp", "anonym", "namn", "kontakt", "beskrivning"]
        # WCAG 1.3.5: namnet fylls i av webbläsaren; kontakten kan vara telefon eller e-post, så inget syfte där.
        widgets = {
            "beskrivning": forms.Textarea(attrs={"rows": 4}),
            "namn": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enhet"].queryset = OrgNod.objects.filter(typ=NodTyp.ENHET, aktiv=True).order_by("namn")
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", "Skicka"))

    def clean(self):
        data = super().clean()
        if not data.get("anonym") and not (data.get("namn") or "").strip():
            self.add_error("namn", "Ange ditt namn, eller kryssa i att du vill vara anonym.")
        return data


class KlagomalForm(forms.ModelForm):
    """Personal registrerar ett klagomål eller en synpunkt åt någon, vid en enhet de har en roll på, och
    kan sätta ett tema (e-tjänstens avsändare gör det inte: de känner inte kommunens kategorier)."""

    class Meta:
        model = Klagomal
        fields = ["enhet", "typ", "avsandartyp", "anonym", "namn", "kontakt", "beskrivning", "tema"]
        widgets = {"beskrivning": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enhet"].queryset = _enheter_for(user)
        self.fields["tema"].queryset = _erbjudna_kategorier()
        self.fields["tema"].empty_label = "Ej angivet"
        self.fields["tema"].label = "Tema (valfritt)"

    def clean(self):
        data = super().clean()
        if not data.get("anonym") and not (data.get("namn") or "").strip():
            self.add_error("namn", "Ange avsändarens namn, eller markera som anonym.")
        return data


class AvslutaKlagomalForm(RimligaDatum, forms.Form):
    aterkoppling_datum = forms.DateField(
        label="Återkoppling, datum", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    aterkoppling_hur = forms.CharField(label="Återkoppling, hur", required=False, max_length=200)


class KlagomalAtgardForm(AtgardForm):
    """En åtgärd med anledning av ett klagomål: samma fält och samma urval av ansvariga som avvikelsens."""

    class Meta(AtgardForm.Meta):
        model = KlagomalAtgard

    def __init__(self, *args, klagomal, **kwargs):
        super().__init__(*args, nod=klagomal.enhet, **kwargs)


class OppnaIgenForm(forms.Form):
    motivering = forms.CharField(
        label="Varför öppnas ärendet igen?", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class KlagomalTemaForm(MedVersion, forms.ModelForm):
    """Temat sätts eller ändras när ärendet handläggs; ärendets version följer med (kvalitet.samtidighet)."""

    class Meta:
        model = Klagomal
        fields = ["tema"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tema"].queryset = _erbjudna_kategorier(self.instance.tema_id)
        self.fields["tema"].empty_label = "Ej angivet"


class AvvikelseHistorikForm(AvvikelseForm):
    """Rapportformuläret (samma regler och meddelanden) plus det en historisk post behöver: när den
    rapporterades och, för en avslutad post, när den avslutades och med vilken slutsats (API:t)."""

    # API:t tar inga filer i rapporten (bilagor har egna anrop).
    fil = None
    rapporterad = forms.DateTimeField(required=False, label="Rapporterad")
    avslutad = forms.DateTimeField(required=False, label="Avslutad")
    slutsats = forms.CharField(required=False, label="Slutsats", max_length=10000)

    def clean_rapporterad(self):
        return _inte_i_framtiden(self.cleaned_data.get("rapporterad"))

    def clean_avslutad(self):
        return _inte_i_framtiden(self.cleaned_data.get("avslutad"))

    def clean(self):
        data = super().clean()
        handelsetid, rapporterad, avslutad = (
            data.get("handelsetid"),
            data.get("rapporterad"),
            data.get("avslutad"),
        )
        if rapporterad and handelsetid and rapporterad < handelsetid:
            self.add_error("rapporterad", "Avvikelsen kan inte ha rapporterats innan den hände.")
        if avslutad:
            if not rapporterad and not self.errors.get("rapporterad") and handelsetid:
                # En avslutad historisk post utan rapportdatum räknas som rapporterad när det hände.
                data["rapporterad"] = rapporterad = handelsetid
            if rapporterad and avslutad <= rapporterad:
                self.add_error("avslutad", "Avslutad måste ligga efter rapporterad.")
            if not (data.get("slutsats") or "").strip():
                self.add_error("slutsats", "Skriv en slutsats när avvikelsen registreras som avslutad.")
        return data


class KlagomalHistorikForm(RimligaDatum, KlagomalForm):
    """Registreringsformuläret plus datum för ett historiskt ärende: när det kom in och, för ett
    avslutat ärende, när det avslutades och vilken återkoppling som gavs (API:t)."""

    inkommet = forms.DateTimeField(required=False, label="Inkommet")
    avslutat = forms.DateTimeField(required=False, label="Avslutat")
    aterkoppling_datum = forms.DateField(required=False, label="Återkoppling, datum")
    aterkoppling_hur = forms.CharField(required=False, label="Återkoppling, hur", max_length=200)

    def clean_inkommet(self):
        return _inte_i_framtiden(self.cleaned_data.get("inkommet"))

    def clean_avslutat(self):
        return _inte_i_framtiden(self.cleaned_data.get("avslutat"))

    def clean(self):
        data = super().clean()
        inkommet, avslutat = data.get("inkommet"), data.get("avslutat")
        if avslutat:
            if not inkommet and not self.errors.get("inkommet"):
                self.add_error("inkommet", "Ange när ärendet kom in när det registreras som avslutat.")
            if inkommet and avslutat <= inkommet:
                self.add_error("avslutat", "Avslutat måste ligga efter inkommet.")
            if not data.get("anonym") and (
                not data.get("aterkoppling_datum") or not (data.get("aterkoppling_hur") or "").strip()
            ):
                self.add_error(None, "Ange datum och hur återkoppling gavs innan ärendet avslutas.")
        elif data.get("aterkoppling_datum") or (data.get("aterkoppling_hur") or "").strip():
            self.add_error("avslutat", "Ange när ärendet avslutades när återkopplingen anges.")
        datum = data.get("aterkoppling_datum")
        if datum and datum > timezone.localdate():
            self.add_error("aterkoppling_datum", "Datumet kan inte ligga i framtiden.")
        if datum and inkommet and datum < timezone.localtime(inkommet).date():
            self.add_error("aterkoppling_datum", "Återkopplingen kan inte ha getts innan ärendet kom in.")
        return data


class BilagaForm(forms.Form):
    fil = forms.FileField(
        label="Bifoga fil",
        help_text="Foto eller dokument: PDF, JPEG, PNG eller Word (.docx). Högst "
        f"{settings.BILAGA_MAX_MB} MB.",
    )

    def clean_fil(self):
        from kvalitet.bilagor import kontrollera_fil

        fil = self.cleaned_data["fil"]
        kontrollera_fil(fil)
        return fil


class StatistikForm(forms.Form):
    """Nod och period för statistiksidan; vyn fyller i standardvärdena (första noden, senaste året)."""

    nod = forms.TypedChoiceField(coerce=int, label="Organisation")
    fran = Datumfalt(label="Från")
    till = Datumfalt(label="Till")

    def __init__(self, *args, noder, **kwargs):
        super().__init__(*args, **kwargs)
        self.noder = {n.pk: n for n in noder}
        self.fields["nod"].choices = [(n.pk, n.namn) for n in noder]

    def clean(self):
        data = super().clean()
        if data.get("fran") and data.get("till") and data["fran"] > data["till"]:
            self.add_error("till", "Till-datumet ligger före från-datumet.")
        if "nod" in data:
            data["nod"] = self.noder[data["nod"]]
        return data


class StyrdiagramForm(forms.Form):
    """Vilken nod styrdiagrammet gäller; bara noder användaren räknar statistik för erbjuds."""

    nod = forms.TypedChoiceField(
        coerce=int,
        label="Organisation",
        error_messages={"invalid_choice": "Välj en enhet, ett verksamhetsområde eller en nämnd i listan."},
    )

    def __init__(self, *args, noder, **kwargs):
        super().__init__(*args, **kwargs)
        self.noder = {n.pk: n for n in noder}
        self.fields["nod"].choices = [(n.pk, n.namn) for n in noder]

    def clean_nod(self):
        return self.noder[self.cleaned_data["nod"]]


class NamndjamforelseForm(forms.Form):
    """Året som nämnderna jämförs för (standard: i år)."""

    ar = forms.IntegerField(
        label="År",
        error_messages={"invalid": "Ange året med fyra siffror, till exempel 2026."},
    )

    def __init__(self, *args, idag, **kwargs):
        super().__init__(*args, **kwargs)
        self.idag = idag

    def clean_ar(self):
        ar = self.cleaned_data["ar"]
        if not 2000 <= ar <= self.idag.year:
            raise forms.ValidationError(f"Välj ett år mellan 2000 och {self.idag.year}.")
        return ar
