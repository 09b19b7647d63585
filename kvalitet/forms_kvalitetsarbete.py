"""Formulär för mål, indikatorer, egenkontroll och förbättringsplan. Vanlig CRUD: formulärets save()."""

from django import forms
from django.utils import timezone

from kvalitet import access
from kvalitet.models import NodTyp, OrgNod
from kvalitet.models.kvalitetsarbete import (
    Forbattringsatgard,
    Indikatorkalla,
    Indikatorvarde,
    Kontrollplan,
    Kontrollpunkt,
    Mal,
    Malindikator,
)
from kvalitet.samtidighet import MedVersion


def noder_for_samordnare(user):
    return OrgNod.objects.filter(
        pk__in=access.noder(user, access.KVALITETSSAMORDNARE),
        typ__in=(NodTyp.NAMND, NodTyp.VERKSAMHETSOMRADE, NodTyp.ENHET),
        aktiv=True,
    ).order_by("sokvag")


class _NodForm(forms.ModelForm):
    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nod"].queryset = noder_for_samordnare(user)
        self.fields["nod"].error_messages["invalid_choice"] = "Välj en nod i listan."
        if "ar" in self.fields:
            self.fields["ar"].error_messages["invalid"] = "Ange året med fyra siffror."
            self.fields["ar"].min_value = 2000
            self.initial.setdefault("ar", timezone.localdate().year)

    def clean_ar(self):
        ar = self.cleaned_data["ar"]
        if not 2000 <= ar <= 2100:
            raise forms.ValidationError("Ange ett år mellan 2000 och 2100.")
        return ar


class MalForm(_NodForm):
    class Meta:
        model = Mal
        fields = ["nod", "ar", "rubrik", "beskrivning"]


class MalindikatorForm(forms.ModelForm):
    class Meta:
        model = Malindikator
        fields = ["namn", "malvarde", "riktning", "enhet", "kalla", "berakning", "kolada_kpi"]

    def clean(self):
        data = super().clean()
        if data.get("kalla") == Indikatorkalla.BERAKNAD and not data.get("berakning"):
            self.add_error("berakning", "Välj vilken beräkning indikatorn ska använda.")
        if data.get("kalla") == Indikatorkalla.KOLADA and not data.get("kolada_kpi"):
            self.add_error("kolada_kpi", "Ange Kolada-KPI:n (t.ex. U21468).")
        return data


class IndikatorvardeForm(MedVersion, forms.ModelForm):
    """Årets värde. Sparas med `services.indikatorvarde_spara` (ett befintligt år ersätts mot sin version);
    med ett befintligt värde som instans (länken "Ändra") följer dess version med."""

    # Decimalkomma som användarna skriver det.
    varde = forms.DecimalField(label="Värde", max_digits=10, decimal_places=2, localize=True)

    class Meta:
        model = Indikatorvarde
        fields = ["ar", "varde"]

    def __init__(self, *args, indikator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indikator = indikator
        self.fields["ar"].error_messages["invalid"] = "Ange året med fyra siffror."
        self.fields["varde"].error_messages["invalid"] = "Ange ett tal, t.ex. 87,5."

    def clean_ar(self):
        ar = self.cleaned_data["ar"]
        if not 2000 <= ar <= 2100:
            raise forms.ValidationError("Ange ett år mellan 2000 och 2100.")
        return ar

    def validate_unique(self):
        pass  # samma år ersätter det sparade, mot dess version (services.indikatorvarde_spara)

    def save(self, commit=True):
        raise NotImplementedError("Spara med services.indikatorvarde_spara(**form.tjanstens_data(), av=...)")

    def tjanstens_data(self) -> dict:
        return {
            "indikator": self.indikator,
            "ar": self.cleaned_data["ar"],
            "varde": self.cleaned_data["varde"],
            "version": self.cleaned_data.get("version"),
        }


class KontrollplanForm(_NodForm):
    class Meta:
        model = Kontrollplan
        fields = ["nod", "ar", "rubrik"]


class KontrollpunktForm(MedVersion, forms.ModelForm):
    class Meta:
        model = Kontrollpunkt
        fields = ["aktivitet", "ansvarig", "nar", "uppfoljning", "iakttagelser", "genomford"]


class ForbattringsatgardForm(MedVersion, _NodForm):
    class Meta:
        model = Forbattringsatgard
        fields = ["nod", "ar", "omrade", "atgard", "ansvarig", "uppfoljning", "klar"]


class KoladaForm(forms.Form):
    fil = forms.FileField(label="Fil från Kolada (JSON)", help_text="Högst 5 MB.")

    def clean_fil(self):
        fil = self.cleaned_data["fil"]
        if fil.size > 5 * 1024 * 1024:
            raise forms.ValidationError("Filen är för stor (högst 5 MB).")
        return fil
