"""Formulär för riskanalyser. Ogiltig inmatning ger svenska fel och behåller värdena."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from avvikelser import queries as avvikelser_queries
from kvalitet import access
from kvalitet.enskildval import EnskildaVal
from kvalitet.forms import AnsvarigVal, RimligaDatum
from kvalitet.models import Brukare, OrgNod
from kvalitet.riskmatris import SKALA_VAL
from kvalitet.samtidighet import MedVersion
from riskanalys.models import AnalysStatus, Atgard, Mall, Risk, Riskanalys

SKALA_VAL_TOM = [("", "–")] + SKALA_VAL


def noder_for(user):
    """Nivåer (nämnd, område, enhet) där användaren får göra analyser."""
    ids = access.noder(user, *access.CHEFER, access.KVALITETSSAMORDNARE)
    return OrgNod.objects.filter(pk__in=ids, aktiv=True).exclude(typ="kommun").order_by("sokvag")


class AnalysForm(MedVersion, RimligaDatum, forms.ModelForm):
    versionsfalt = "andringsnummer"
    mall = forms.ModelChoiceField(queryset=Mall.objects.none(), required=False, label="Utgå från mall")

    class Meta:
        model = Riskanalys
        fields = [
            "nod",
            "titel",
            "forandring",
            "deltagare",
            "datum",
            "uppfoljning_senast",
            "avvikelser",
            "brukare",
        ]
        widgets = {
            "datum": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "uppfoljning_senast": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "forandring": forms.Textarea(attrs={"rows": 3}),
            "deltagare": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "brukare": "Fyll i vid en analys på individnivå.",
            "deltagare": "Vilka som deltog i analysen (namn och funktion).",
        }

    def __init__(self, *args, user, ny=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["nod"].queryset = noder_for(user)
        self.fields["avvikelser"].queryset = avvikelser_queries.valbara_for_riskanalys(user)
        self.fields["avvikelser"].required = False
        # Sökfält: inga namn visas förrän användaren söker, och träffarna loggas (kvalitet.enskildval).
        self.fields["brukare"] = EnskildaVal(
            queryset=access.scope(user, Brukare, access.VALJA),
            user=user,
            urval="valja",
            sammanhang="riskanalys",
            required=False,
            label="Berörda enskilda",
            help_text="Fyll i vid en analys på individnivå.",
        )
        if ny:
            self.fields["mall"].queryset = access.scope(user, Mall)
        else:
            del self.fields["mall"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("spara", "Spara"))

    def clean(self):
        data = super().clean()
        if (
            data.get("datum")
            and data.get("uppfoljning_senast")
            and data["uppfoljning_senast"] < data["datum"]
        ):
            self.add_error("uppfoljning_senast", "Uppföljningen kan inte ligga före analysens datum.")
        return data


class RiskForm(MedVersion, forms.ModelForm):
    konsekvens = forms.TypedChoiceField(label="Konsekvens (1–4)", choices=SKALA_VAL, coerce=int)
    sannolikhet = forms.TypedChoiceField(label="Sannolikhet (1–4)", choices=SKALA_VAL, coerce=int)
    konsekvens_efter = forms.TypedChoiceField(
        label="Konsekvens efter åtgärder", choices=SKALA_VAL_TOM, coerce=int, required=False, empty_value=None
    )
    sannolikhet_efter = forms.TypedChoiceField(
        label="Sannolikhet efter åtgärder",
        choices=SKALA_VAL_TOM,
        coerce=int,
        required=False,
        empty_value=None,
    )

    class Meta:
        model = Risk
        fields = [
            "beskrivning",
            "orsak",
            "konsekvens",
            "sannolikhet",
            "konsekvens_efter",
            "sannolikhet_efter",
        ]
        widgets = {
            "beskrivning": forms.Textarea(attrs={"rows": 2}),
            "orsak": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if (data.get("konsekvens_efter") is None) != (data.get("sannolikhet_efter") is None):
            self.add_error(
                "sannolikhet_efter", "Ange både konsekvens och sannolikhet efter åtgärder, eller ingen."
            )
        return data


class AtgardForm(MedVersion, RimligaDatum, forms.ModelForm):
    class Meta:
        model = Atgard
        fields = ["text", "ansvarig", "klar_senast", "uppfoljning", "status", "resultat"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 2}),
            "resultat": forms.Textarea(attrs={"rows": 2}),
            "klar_senast": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, analys, bara_uppfoljning=False, **kwargs):
        super().__init__(*args, **kwargs)
        if bara_uppfoljning:
            # Den ansvariga (utan rätt att ändra analysen) rapporterar bara status och resultat.
            for namn in ("text", "ansvarig", "klar_senast", "uppfoljning"):
                del self.fields[namn]
        if "ansvarig" not in self.fields:
            self.helper = FormHelper()
            self.helper.form_tag = False
            return
        # Ansvarig: en person med en giltig roll vid analysens nivå eller ovanför i nämnden, eller under
        # nivån (en analys för ett område har åtgärder för enheterna där).
        self.fields["ansvarig"] = AnsvarigVal(
            nod=analys.nod, och_under=True, behall=self.instance.ansvarig_id
        )
        if analys.status == AnalysStatus.UTKAST:
            # I ett utkast planeras åtgärden; resultatet fylls i vid uppföljningen.
            del self.fields["resultat"]
        self.helper = FormHelper()
        self.helper.form_tag = False


class FoljUppForm(forms.Form):
    utvardering = forms.CharField(label="Fungerade åtgärderna?", widget=forms.Textarea(attrs={"rows": 3}))
    kvarstar = forms.CharField(
        label="Vad återstår?", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class MallForm(forms.Form):
    titel = forms.CharField(label="Mallens namn", max_length=200)
    beskrivning = forms.CharField(
        label="När passar mallen?", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", choices=[("", "Alla")] + AnalysStatus.choices, required=False)
    sok = forms.CharField(label="Sök", max_length=100, required=False)
