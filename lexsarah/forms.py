"""Formulär för lex Sarah. Ogiltig inmatning ger svenska fel och behåller värdena."""

import uuid

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kvalitet import access
from kvalitet.arende import EFFEKT_FRAGA, Effekt
from kvalitet.bilagor import kontrollera_fil
from kvalitet.enskildval import EnskildaVal, EnskildVal
from kvalitet.forms import AnsvarigVal, RimligaDatum
from kvalitet.models import Brukare, NodTyp, OrgNod
from kvalitet.queries import brukare_sok
from kvalitet.riskmatris import SKALA_VAL
from kvalitet.samtidighet import MedVersion
from lexsarah.models import Atgard, Beslut, Rapport, Status

_DATUMTID = {"type": "datetime-local"}
_DATUM = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


UTANFOR_URVAL = "En vald enskild finns inte bland dem du kan välja. Sök fram och välj den enskilde igen."


def _valbara_brukare(user, behall=()):
    """Enskilda användaren får välja (samma urval som för den enskilde i rapporten), plus de som redan är
    kopplade till ärendet så att de inte faller bort när någon annan sparar."""
    valbara = brukare_sok(user, "", access.VALJA)
    if behall:
        valbara = Brukare.objects.filter(Q(pk__in=valbara.values("pk")) | Q(pk__in=list(behall)))
    return valbara.order_by("efternamn", "fornamn")


def _berorda_falt(form, user, behall=()) -> None:
    # Sökfält: inga namn visas förrän användaren söker (träffarna loggas), skyddade personer hittas inte på
    # namn av andra och visas med nummer (kvalitet.enskildval).
    valbara = _valbara_brukare(user, behall)
    form.fields["brukare"] = EnskildVal(
        queryset=valbara,
        required=False,
        user=user,
        urval="valja",
        sammanhang="lex Sarah",
        label="Enskild som berörs (valfritt)",
        error_messages={"invalid_choice": UTANFOR_URVAL},
    )
    form.fields["ovriga_brukare"] = EnskildaVal(
        queryset=valbara,
        required=False,
        user=user,
        urval="valja",
        sammanhang="lex Sarah",
        label="Övriga berörda enskilda (valfritt)",
        help_text="Om händelsen berör fler än en enskild: sök fram och markera var och en.",
        error_messages={"invalid_choice": UTANFOR_URVAL, "invalid_pk_value": UTANFOR_URVAL},
    )


def _berorda_clean(form, data) -> None:
    """Den som främst berörs väljs först; övriga utöver den (den främsta räknas inte två gånger)."""
    brukare, ovriga = data.get("brukare"), data.get("ovriga_brukare")
    if not ovriga or "brukare" in form.errors:
        return
    if brukare is None:
        form.add_error("brukare", "Välj den enskilde som främst berörs här; övriga berörda anges utöver den.")
    else:
        data["ovriga_brukare"] = ovriga.exclude(pk=brukare.pk)


class RapportForm(RimligaDatum, forms.ModelForm):
    # Engångsnyckel som skapas när formuläret visas (services.rapport_lamna): dubbelklick ger en rapport.
    inlamningsnyckel = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Rapport
        fields = [
            "enhet",
            "handelsetid",
            "upptackt",
            "brukare",
            "ovriga_brukare",
            "sammanfattning",
            "beskrivning",
            "atgard_direkt",
        ]
        widgets = {
            "handelsetid": forms.DateTimeInput(attrs=_DATUMTID, format="%Y-%m-%dT%H:%M"),
            "upptackt": forms.DateTimeInput(attrs=_DATUMTID, format="%Y-%m-%dT%H:%M"),
            "beskrivning": forms.Textarea(attrs={"rows": 4}),
            "atgard_direkt": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = access.noder(user, *access.ALLA_ROLLER)
        self.fields["enhet"].queryset = OrgNod.objects.filter(
            pk__in=ids, typ=NodTyp.ENHET, aktiv=True
        ).order_by("namn")
        self.fields["enhet"].empty_label = None
        _berorda_falt(self, user)
        if not self.is_bound:
            self.initial.setdefault("inlamningsnyckel", uuid.uuid4())
        self.helper = FormHelper()
        self.helper.add_input(Submit("skicka", "Skicka rapporten"))

    def clean(self):
        data = super().clean()
        nu = timezone.now()
        handelsetid, upptackt = data.get("handelsetid"), data.get("upptackt")
        if handelsetid and handelsetid > nu:
            self.add_error("handelsetid", "Tidpunkten kan inte ligga i framtiden.")
        if upptackt and upptackt > nu:
            self.add_error("upptackt", "Tidpunkten kan inte ligga i framtiden.")
        if handelsetid and upptackt and upptackt < handelsetid:
            self.add_error("upptackt", "Det kan inte ha upptäckts innan det hände.")
        _berorda_clean(self, data)
        return data


class BerordaForm(MedVersion, forms.ModelForm):
    """Utredarens arbetsyta: vilka enskilda ärendet berör (samma val och regler som i rapporten)."""

    class Meta:
        model = Rapport
        fields = ["brukare", "ovriga_brukare"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        behall = []
        if self.instance.pk:
            behall = [self.instance.brukare_id] if self.instance.brukare_id else []
            behall += [b.pk for b in self.instance.ovriga_brukare.all()]
        _berorda_falt(self, user, behall)

    def clean(self):
        data = super().clean()
        _berorda_clean(self, data)
        return data


class UtredningForm(MedVersion, forms.ModelForm):
    class Meta:
        model = Rapport
        fields = [
            "forlopp",
            "konsekvenser",
            "enskildes_syn",
            "enskildes_syn_ej_orsak",
            "orsaker",
            "deltagare",
            "kallor",
        ]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in fields}


class BedomningForm(MedVersion, forms.Form):
    konsekvens = forms.TypedChoiceField(
        label="Konsekvens för den enskilde (1–4)", choices=SKALA_VAL, coerce=int
    )
    sannolikhet = forms.TypedChoiceField(
        label="Sannolikhet att det händer igen (1–4)", choices=SKALA_VAL, coerce=int
    )
    beslut = forms.ChoiceField(label="Bedömning", choices=Beslut.choices)
    allvarligt = forms.TypedChoiceField(
        label="Allvarligt?",
        choices=[("", "–"), ("ja", "Ja, allvarligt (anmäls till IVO)"), ("nej", "Nej")],
        coerce=lambda v: {"ja": True, "nej": False}.get(v),
        empty_value=None,
        required=False,
    )
    motivering = forms.CharField(label="Motivering", widget=forms.Textarea(attrs={"rows": 3}))


class PreliminartForm(forms.Form):
    motivering = forms.CharField(
        label="Varför är det allvarligt redan nu?", widget=forms.Textarea(attrs={"rows": 2})
    )


class IvoAnmalanForm(RimligaDatum, forms.Form):
    skickad = forms.DateField(label="Anmälan skickad", widget=_DATUM)
    diarienummer = forms.CharField(label="IVO:s diarienummer", max_length=50, required=False)

    def clean_skickad(self):
        d = self.cleaned_data["skickad"]
        if d > timezone.localdate():
            raise forms.ValidationError("Datumet kan inte ligga i framtiden.")
        return d


class IvoForm(MedVersion, RimligaDatum, forms.ModelForm):
    class Meta:
        model = Rapport
        fields = [
            "ivo_diarienummer",
            "ivo_komplettering",
            "ivo_beslut_datum",
            "ivo_beslut",
            "enskild_informerad",
            "enskild_informerad_hur",
        ]
        widgets = {
            "ivo_komplettering": _DATUM,
            "ivo_beslut_datum": _DATUM,
            "enskild_informerad": _DATUM,
            "ivo_beslut": forms.Textarea(attrs={"rows": 2}),
        }


class StatusForm(forms.Form):
    till = forms.ChoiceField(label="Ny status", choices=Status.choices)
    motivering = forms.CharField(label="Motivering (krävs vid återöppning)", required=False, max_length=2000)


class KommentarForm(forms.Form):
    text = forms.CharField(label="Kommentar", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class AtgardForm(RimligaDatum, forms.ModelForm):
    class Meta:
        model = Atgard
        fields = ["typ", "text", "ansvarig", "klar_senast"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2}), "klar_senast": _DATUM}

    def __init__(self, *args, rapport, **kwargs):
        super().__init__(*args, **kwargs)
        # Ansvarig: en person med en giltig roll vid rapportens enhet eller ovanför i nämnden.
        self.fields["ansvarig"] = AnsvarigVal(nod=rapport.enhet, behall=self.instance.ansvarig_id)


class UppfoljningForm(MedVersion, RimligaDatum, forms.Form):
    """Uppföljningen av en åtgärd; åtgärdens version följer med (kvalitet.samtidighet)."""

    atgard = forms.IntegerField(widget=forms.HiddenInput)
    datum = forms.DateField(label="Uppföljd", widget=_DATUM, required=False)
    effekt_bedomning = forms.ChoiceField(label=EFFEKT_FRAGA, choices=Effekt.choices, required=False)
    resultat = forms.CharField(label="Resultat", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    struken = forms.CharField(label="Eller: stryk åtgärden, med motivering", required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if not (data.get("struken") or "").strip():
            for falt, fel in (
                ("datum", "Ange när åtgärden följdes upp."),
                ("effekt_bedomning", f"Svara på frågan: {EFFEKT_FRAGA}"),
                ("resultat", "Beskriv resultatet av uppföljningen."),
            ):
                if not data.get(falt) and falt not in self.errors:
                    self.add_error(falt, fel)
        return data


class RegisterForm(forms.Form):
    ar = forms.IntegerField(label="År", min_value=2000, max_value=2100, required=False)


class BilagaForm(forms.Form):
    fil = forms.FileField(
        label="Bifoga fil",
        help_text=f"Dokument eller foto: PDF, JPEG, PNG eller Word (.docx). Högst {settings.BILAGA_MAX_MB} MB.",
    )

    def clean_fil(self):
        fil = self.cleaned_data["fil"]
        kontrollera_fil(fil)
        return fil
