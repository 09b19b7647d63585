"""Formulär för uppföljningen. Ogiltig inmatning ger svenska fel och behåller värdena."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone

from kvalitet import access
from kvalitet.enskildval import EnskildVal
from kvalitet.forms import RimligaDatum
from kvalitet.models import Brukare, Insats, Insatstyp, NodTyp, OrgNod
from kvalitet.samtidighet import MedVersion
from riskanalys import queries as riskanalys_queries
from uppfoljning.models import EjVerkstalltBeslut, Forandring, ForandringTyp, Kontakt, Utfall

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


class UrvalForm(RimligaDatum, forms.Form):
    datum = forms.DateField(label="Alla med insatsen vid enheterna detta datum", widget=DATUM)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Välj berörda")


class ArendeForm(forms.Form):
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
        self.order_fields(["brukare", "forandring", "egen_typ"])
        self.fields["forandring"].queryset = access.scope(user, Forandring, access.ANDRA)
        self.helper = _helper("Skapa ärende")

    def clean(self):
        data = super().clean()
        if not data.get("forandring") and not data.get("egen_typ"):
            raise forms.ValidationError("Välj en förändring eller ange vad den enskilde själv valt.")
        return data


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
        fields = ["datum", "kanal", "med_vem", "vad_sades", "enskildes_syn", "delaktig"]
        widgets = {
            "datum": DATUM,
            "vad_sades": forms.Textarea(attrs={"rows": 2}),
            "enskildes_syn": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datum"].initial = timezone.localdate()
        self.helper = _helper("Logga kontakten")

    def clean_datum(self):
        datum = self.cleaned_data["datum"]
        if datum > timezone.localdate():
            raise forms.ValidationError("En kontakt kan inte ligga i framtiden.")
        return datum


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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper("Registrera uppföljningen")

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
