"""Formulär för uppföljningen. Ogiltig inmatning ger svenska fel och behåller värdena."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q
from django.utils import timezone

from kvalitet import access
from kvalitet.enskildval import EnskildVal
from kvalitet.forms import RimligaDatum
from kvalitet.models import Brukare, Insats, Insatstyp, NodTyp, OrgNod
from kvalitet.samtidighet import MedVersion
from riskanalys import queries as riskanalys_queries
from uppfoljning.models import (
    CITAT_MAX,
    DIREKTA,
    ROSTFRAGOR,
    EjVerkstalltBeslut,
    Forandring,
    ForandringTyp,
    Kanal,
    Kontakt,
    MedVem,
    Utfall,
)

DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
JA_NEJ = [("", "Inte bedömt"), ("true", "Ja"), ("false", "Nej")]


def _helper(knapp: str) -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("spara", knapp))
    return helper


def _statistiknoder(user):
    return OrgNod.objects.filter(
        pk__in=access.noder(user, access.HANDLAGGARE, access.KVALITETSSAMORDNARE, access.LEDNING), aktiv=True
    ).order_by("sokvag")


def _riskanalyser(user):
    return riskanalys_queries.valbara(user)


class ForandringForm(RimligaDatum, forms.ModelForm):
    class Meta:
        model = Forandring
        fields = [
            "rubrik",
            "nod",
            "typ",
            "insatstyp",
            "enheter",
            "giltig_fran",
            "giltig_till",
            "orsak",
            "beslutad_av",
            "riskanalys",
        ]
        widgets = {
            "giltig_fran": DATUM,
            "giltig_till": DATUM,
            "orsak": forms.Textarea(attrs={"rows": 3}),
            "enheter": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        noder = access.noder(user, access.HANDLAGGARE, access.KVALITETSSAMORDNARE)
        self.fields["nod"].queryset = OrgNod.objects.filter(pk__in=noder, typ=NodTyp.NAMND).order_by("namn")
        self.fields["nod"].empty_label = None
        self.fields["enheter"].queryset = OrgNod.objects.filter(pk__in=noder, typ=NodTyp.ENHET).order_by(
            "namn"
        )
        self.fields["insatstyp"].queryset = Insatstyp.objects.filter(aktiv=True)
        self.fields["riskanalys"].queryset = _riskanalyser(user)
        self.fields["riskanalys"].required = False
        self.fields["riskanalys"].help_text = "En förändring utan riskanalys flaggas på översikten."
        self.helper = _helper("Spara förändringen")

    def clean(self):
        data = super().clean()
        fran, till = data.get("giltig_fran"), data.get("giltig_till")
        if fran and till and till < fran:
            self.add_error("giltig_till", "Slutdatum kan inte ligga före startdatum.")
        nod = data.get("nod")
        for enhet in data.get("enheter") or []:
            if nod and not enhet.sokvag.startswith(nod.sokvag):
                self.add_error("enheter", f"{enhet.namn} hör inte till {nod.namn}.")
        return data


class ForandringAndraForm(MedVersion, RimligaDatum, forms.ModelForm):
    """Rättelse av förändringens beskrivning. Vilka som berörs (nämnd, insatstyp, enheter) ändras inte
    här: ärendena är redan skapade av urvalet."""

    class Meta:
        model = Forandring
        fields = ["rubrik", "typ", "giltig_fran", "giltig_till", "orsak", "beslutad_av", "riskanalys"]
        widgets = ForandringForm.Meta.widgets

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        valbara = _riskanalyser(user)
        if self.instance.riskanalys_id:
            # Den kopplade analysen står kvar som val även om användaren inte själv kan välja den.
            valbara = valbara.model.objects.filter(
                Q(pk__in=valbara.values("pk")) | Q(pk=self.instance.riskanalys_id)
            ).select_related("nod")
        self.fields["riskanalys"].queryset = valbara
        self.fields["riskanalys"].required = False
        self.fields["riskanalys"].help_text = "En förändring utan riskanalys flaggas på översikten."

    def clean(self):
        data = super().clean()
        fran, till = data.get("giltig_fran"), data.get("giltig_till")
        if fran and till and till < fran:
            self.add_error("giltig_till", "Slutdatum kan inte ligga före startdatum.")
        return data


class UrvalForm(RimligaDatum, forms.Form):
    datum = forms.DateField(label="Alla med insatsen vid enheterna detta datum", widget=DATUM)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Välj berörda")


class IdLista(forms.Field):
    """En lista med id ur kryssrutor eller dolda fält; annat än heltal ger ett svenskt fel, ingen 500."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError("Listan innehåller ett ogiltigt värde.", code="ogiltig") from None


class UrvalBekraftaForm(UrvalForm):
    """Bekräftelsen efter förhandsvisningen: datumet och listan som visades (dolda fält, skickas med
    igen), de som fortfarande är ikryssade, och ett frivilligt skäl för dem som valts bort."""

    visade = IdLista(required=False)
    valda = IdLista(required=False)
    skal = forms.CharField(
        label="Skäl för dem du valt bort (frivilligt)",
        help_text="Sparas med ditt namn i förändringens historik, tillsammans med vilka som valts bort.",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].widget = forms.HiddenInput()


class FleraKontakterForm(RimligaDatum, forms.ModelForm):
    """En kontakt (till exempel ett brev till alla) att logga i flera av förändringens ärenden på en gång."""

    class Meta:
        model = Kontakt
        fields = ["datum", "kanal", "med_vem", "vad_sades"]
        widgets = {"datum": DATUM, "vad_sades": forms.Textarea(attrs={"rows": 2})}
        labels = {"med_vem": "Med vem (vägen)", "vad_sades": "Anteckning"}

    def __init__(self, *args, arenden, **kwargs):
        kwargs.setdefault("prefix", "flera")
        super().__init__(*args, **kwargs)
        self.fields["arenden"] = forms.ModelMultipleChoiceField(
            queryset=arenden,
            widget=forms.MultipleHiddenInput,
            error_messages={
                "required": "Kryssa i minst en enskild i listan.",
                "invalid_choice": "Ett eller flera av de valda ärendena kan du inte logga kontakter i. "
                "Ingenting är sparat.",
                "invalid_pk_value": "Listan innehåller ett ogiltigt värde. Ingenting är sparat.",
            },
        )
        self.fields["datum"].initial = timezone.localdate()
        self.fields["kanal"].initial = Kanal.BREV
        self.fields["med_vem"].help_text = (
            "Den enskilde, närstående och företrädare är direkt kontakt. Via utföraren är indirekt och "
            "räknas inte som kontakt med den enskilde."
        )

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum > timezone.localdate():
            raise forms.ValidationError("En kontakt kan inte ligga i framtiden.")
        return datum

    def falt(self) -> dict:
        d = self.cleaned_data
        return {namn: d[namn] for namn in ("datum", "kanal", "med_vem", "vad_sades")}


class ArendeForm(RimligaDatum, forms.Form):
    forandring = forms.ModelChoiceField(
        queryset=Forandring.objects.none(), label="Förändring", required=False
    )
    egen_typ = forms.ChoiceField(
        label="Eller: den enskildes eget val",
        choices=[
            ("", "---------"),
            (ForandringTyp.PAUSAD_PA_BEGARAN, ForandringTyp.PAUSAD_PA_BEGARAN.label),
            (ForandringTyp.AVSLUTAD, "Tackat nej/avslutat på egen begäran"),
        ],
        required=False,
    )
    eget_val_datum = forms.DateField(
        label="Datum för den enskildes val",
        widget=DATUM,
        required=False,
        help_text="Dagen den enskilde pausade eller tackade nej; ärendet räknas för den periodens täckning.",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Sökfält: inga namn visas förrän användaren söker, och träffarna loggas (kvalitet.enskildval).
        self.fields["brukare"] = EnskildVal(
            queryset=access.scope(user, Brukare, access.ANDRA),
            user=user,
            urval="andra",
            sammanhang="uppföljning",
            label="Enskild",
        )
        # Insatsen det egna valet gäller: bara insatser användaren får ändra, och (i clean) den enskildes.
        self.fields["insats"] = EnskildVal(
            queryset=access.scope(user, Insats, access.ANDRA).select_related("brukare", "typ"),
            user=user,
            urval="pagaende_insats",
            sammanhang="uppföljning",
            label="Insats som den enskilde pausat eller tackat nej till",
            required=False,
            help_text="Krävs för ett eget val: ärendet räknas då på insatsens enhet och område. "
            "Sök på den enskildes namn eller personnummer.",
        )
        self.order_fields(["brukare", "forandring", "egen_typ", "insats", "eget_val_datum"])
        self.fields["forandring"].queryset = access.scope(user, Forandring, access.ANDRA)
        self.helper = _helper("Skapa ärende")

    def clean(self):
        data = super().clean()
        if not data.get("forandring") and not data.get("egen_typ"):
            raise forms.ValidationError("Välj en förändring eller ange vad den enskilde själv valt.")
        insats, brukare = data.get("insats"), data.get("brukare")
        if (
            data.get("egen_typ")
            and not data.get("forandring")
            and insats is None
            and "insats" not in self.errors
        ):
            self.add_error("insats", "Välj insatsen som den enskilde pausat eller tackat nej till.")
        if insats is not None and brukare is not None and insats.brukare_id != brukare.pk:
            self.add_error("insats", "Insatsen hör inte till den valda enskilde.")
        if data.get("eget_val_datum") and data["eget_val_datum"] > timezone.localdate():
            self.add_error("eget_val_datum", "Datumet kan inte ligga i framtiden.")
        return data


CITAT_VARNING = (
    "Skriv den enskildes egna ord, högst 300 tecken. Citatet får inte innehålla namn eller annat som pekar "
    "ut någon (personnummer, adress, enhet): samordnaren kan välja det till kvalitetsberättelsen. "
    "Ingenting tas bort automatiskt."
)


class KontaktForm(RimligaDatum, forms.ModelForm):
    delaktig = forms.TypedChoiceField(
        label="Delaktig i planeringen",
        choices=JA_NEJ,
        required=False,
        coerce=lambda v: v == "true",
        empty_value=None,
    )

    class Meta:
        model = Kontakt
        fields = [
            "datum",
            "kanal",
            "med_vem",
            "vad_sades",
            "enskildes_syn",
            "delaktig",
            "rost_delaktig",
            "rost_behov",
            "rost_upplevelse",
            "citat",
        ]
        widgets = {
            "datum": DATUM,
            "vad_sades": forms.Textarea(attrs={"rows": 2}),
            "enskildes_syn": forms.Textarea(attrs={"rows": 2}),
            "citat": forms.Textarea(attrs={"rows": 2, "maxlength": CITAT_MAX}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].initial = timezone.localdate()
        self.fields["med_vem"].help_text = (
            "Den enskilde, närstående och företrädare är direkt kontakt. Via utföraren är indirekt och "
            "räknas inte som kontakt med den enskilde."
        )
        for falt, fraga, skala in ROSTFRAGOR:
            self.fields[falt].label = f"Den enskildes röst: {fraga}"
            self.fields[falt].choices = [("", "Inte frågat"), *skala.choices]
        self.fields["citat"].label = "Den enskildes ord (citat, utan namn)"
        self.fields["citat"].help_text = CITAT_VARNING
        self.helper = _helper("Logga kontakten")

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum > timezone.localdate():
            raise forms.ValidationError("En kontakt kan inte ligga i framtiden.")
        return datum

    def clean(self):
        data = super().clean()
        har_rost = any(data.get(f) for f, _fraga, _skala in ROSTFRAGOR) or (data.get("citat") or "").strip()
        if har_rost and data.get("med_vem") and data["med_vem"] not in DIREKTA:
            self.add_error(
                None,
                "Den enskildes röst kan bara registreras vid direkt kontakt (den enskilde, närstående eller "
                "företrädare), inte via utföraren.",
            )
        return data


class CitatForm(MedVersion, forms.Form):
    """Samordnarens val av ett citat till kvalitetsberättelsen (låst mot kontaktens version)."""

    valt = forms.TypedChoiceField(
        choices=[("1", "Välj"), ("0", "Välj bort")], coerce=lambda v: v == "1", label="Citatet"
    )


class BedomningForm(MedVersion, RimligaDatum, forms.Form):
    behov = forms.CharField(
        label="Behov och risker", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    behov_bedomt = forms.DateField(label="Behoven bedömda (datum)", widget=DATUM, required=False)
    atgarder_behovs = forms.TypedChoiceField(
        label="Behövs åtgärder?",
        choices=JA_NEJ,
        required=False,
        coerce=lambda v: v == "true",
        empty_value=None,
    )
    atgarder = forms.CharField(
        label="Beslutade åtgärder", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    uppfoljning_planerad = forms.DateField(label="Uppföljning planerad", widget=DATUM, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Spara bedömningen")

    def clean(self):
        data = super().clean()
        if data.get("atgarder_behovs") and not (data.get("atgarder") or "").strip():
            self.add_error("atgarder", "Beskriv vilka åtgärder som beslutats.")
        if data.get("behov_bedomt") and data["behov_bedomt"] > timezone.localdate():
            self.add_error("behov_bedomt", "Datumet kan inte ligga i framtiden.")
        return data


class UppfoljningForm(MedVersion, RimligaDatum, forms.Form):
    uppfoljning_gjord = forms.DateField(label="Uppföljning gjord", widget=DATUM)
    utfall = forms.ChoiceField(label="Behoven tillgodosedda", choices=Utfall.choices)
    fortsattning = forms.CharField(
        label="Vad händer sedan", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    utan_kontakt = forms.BooleanField(
        label="Uppföljningen bygger på indirekt information, utan kontakt med den enskilde",
        help_text="Till exempel uppgifter från utföraren eller journalen. Visas som "
        "”Uppföljd utan kontakt med den enskilde”, en egen lucka i täckningen.",
        required=False,
    )

    # Den enskildes röst vid uppföljningssamtalet: loggas som en direkt kontakt på uppföljningsdagen.
    rost_med_vem = forms.ChoiceField(
        label="Den enskildes röst: svaren lämnades av",
        choices=[("", "Inga svar vid uppföljningen"), *[(v, MedVem(v).label) for v in DIREKTA]],
        required=False,
    )
    rost_kanal = forms.ChoiceField(
        label="Uppföljningssamtalets kanal", choices=[("", "---------"), *Kanal.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for falt, fraga, skala in ROSTFRAGOR:
            self.fields[falt] = forms.ChoiceField(
                label=f"Den enskildes röst: {fraga}",
                choices=[("", "Inte frågat"), *skala.choices],
                required=False,
            )
        self.fields["citat"] = forms.CharField(
            label="Den enskildes ord (citat, utan namn)",
            help_text=CITAT_VARNING,
            max_length=CITAT_MAX,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2, "maxlength": CITAT_MAX}),
        )
        self.helper = _helper("Registrera uppföljningen")

    def clean(self):
        data = super().clean()
        har_rost = any(data.get(f) for f, _fraga, _skala in ROSTFRAGOR) or (data.get("citat") or "").strip()
        if har_rost:
            if data.get("utan_kontakt"):
                self.add_error(
                    None,
                    "Den enskildes röst förutsätter kontakt med den enskilde: ta bort svaren eller kryssrutan "
                    "om indirekt information.",
                )
            if not data.get("rost_med_vem"):
                self.add_error("rost_med_vem", "Ange vem som lämnade svaren.")
            if not data.get("rost_kanal"):
                self.add_error("rost_kanal", "Ange hur uppföljningssamtalet gjordes.")
        return data

    def rost(self) -> dict:
        """Svaren som tjänsten loggar som en kontakt (tomt om inga svar gavs)."""
        d = self.cleaned_data
        falt = {f: d.get(f, "") for f, _fraga, _skala in ROSTFRAGOR}
        falt["citat"] = (d.get("citat") or "").strip()
        if not any(falt.values()):
            return {}
        return {**falt, "med_vem": d["rost_med_vem"], "kanal": d["rost_kanal"]}

    def clean_uppfoljning_gjord(self):
        datum = self.cleaned_data["uppfoljning_gjord"]
        if datum > timezone.localdate():
            raise forms.ValidationError("Uppföljningen kan inte vara gjord i framtiden.")
        return datum


class TackningForm(RimligaDatum, forms.Form):
    nod = forms.ModelChoiceField(
        queryset=OrgNod.objects.none(), label="Nämnd, område eller enhet", required=False
    )
    fran = forms.DateField(label="Från", widget=DATUM, required=False)
    till = forms.DateField(label="Till", widget=DATUM, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nod"].queryset = _statistiknoder(user)
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.add_input(Submit("visa", "Visa"))


class BeslutForm(MedVersion, RimligaDatum, forms.ModelForm):
    class Meta:
        model = EjVerkstalltBeslut
        fields = ["orsak", "konsekvenser", "under_vantan", "erbjudanden", "verkstallt", "avslutat"]
        widgets = {
            "orsak": forms.Textarea(attrs={"rows": 2}),
            "konsekvenser": forms.Textarea(attrs={"rows": 2}),
            "under_vantan": forms.Textarea(attrs={"rows": 2}),
            "erbjudanden": forms.Textarea(attrs={"rows": 2}),
            "verkstallt": DATUM,
            "avslutat": DATUM,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Spara")

    def clean(self):
        data = super().clean()
        idag = timezone.localdate()
        for namn in ("verkstallt", "avslutat"):
            varde = data.get(namn)
            if varde and (varde > idag or varde < self.instance.fran):
                self.add_error(namn, "Datumet måste ligga mellan beslutet och idag.")
        return data


class KvartalForm(forms.Form):
    nod = forms.ModelChoiceField(queryset=OrgNod.objects.none(), label="Nämnd")
    ar = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    kvartal = forms.TypedChoiceField(label="Kvartal", choices=[(i, str(i)) for i in range(1, 5)], coerce=int)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        noder = access.noder(user, access.HANDLAGGARE, access.KVALITETSSAMORDNARE)
        self.fields["nod"].queryset = OrgNod.objects.filter(pk__in=noder, typ=NodTyp.NAMND).order_by("namn")
        self.helper = _helper("Skapa individrapporter")


class AvbrottForm(RimligaDatum, forms.Form):
    fran = forms.DateField(label="Avbrottet började", widget=DATUM)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Sök fram den enskilde; insatserna som kan avbrytas visas först då, och loggas (kvalitet.enskildval).
        self.fields["insats"] = EnskildVal(
            queryset=access.scope(user, Insats, access.ANDRA)
            .filter(startdatum__isnull=False, slutdatum__isnull=True)
            .select_related("brukare", "typ"),
            user=user,
            urval="pagaende_insats",
            sammanhang="uppföljning",
            label="Insats",
            help_text="Sök på den enskildes namn eller personnummer och välj insatsen.",
        )
        self.order_fields(["insats", "fran"])

    def clean_fran(self):
        fran = self.cleaned_data["fran"]
        if fran > timezone.localdate():
            raise forms.ValidationError("Avbrottet kan inte börja i framtiden.")
        return fran
