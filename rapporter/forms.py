"""Formulär för kvalitetsberättelsen. Ogiltig inmatning ger svenska fel och behåller värdena."""

import re

from django import forms
from django.utils import timezone

from kvalitet.forms import RimligaDatum
from kvalitet.samtidighet import MedVersion
from rapporter import queries

# Redigeraren tar emot html; skript och händelseattribut avvisas med ett fel i stället för att tyst rensas,
# så att samordnaren ser vad som inte sparades. Resten rensas av services.rensa_html.
_FARLIGT = re.compile(r"<\s*(script|iframe|object|embed|style)\b|\bon[a-z]+\s*=|javascript\s*:", re.I)


class SkapaForm(forms.Form):
    nod = forms.ModelChoiceField(label="Nämnd eller område", queryset=None, empty_label=None)
    ar = forms.IntegerField(label="År", min_value=2000, max_value=2100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nod"].queryset = queries.noder_att_valja(user)
        self.fields["nod"].error_messages["invalid_choice"] = "Välj en nämnd eller ett område i listan."
        self.fields["ar"].error_messages["invalid"] = "Ange året med fyra siffror."
        self.initial.setdefault("ar", timezone.localdate().year - 1)


class TextForm(MedVersion, forms.Form):
    text = forms.CharField(
        label="Text",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14, "class": "rapport-redigerare"}),
        help_text="Rubriker (h3), stycken, punktlistor, fet och kursiv stil. Skript och formatering tas inte emot.",
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if _FARLIGT.search(text):
            raise forms.ValidationError("Texten får inte innehålla skript, stilar eller händelseattribut.")
        return text


class ExternaForm(TextForm):
    ivo_tillsyn = forms.CharField(
        label="IVO:s tillsyn och enskildas klagomål till IVO under året",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class JamforForm(forms.Form):
    a = forms.IntegerField(min_value=1)
    b = forms.IntegerField(min_value=1)


class SamladAnalysForm(RimligaDatum, forms.Form):
    """Urvalet på sidan Samlad analys: nod och år, eller en egen period inom året (från och till)."""

    # Valen ur noderna vyn redan har hämtat (samma lista som sidan nekar på): ingen fråga för att validera
    # eller rita listan, som en ModelChoiceField gör två gånger.
    nod = forms.TypedChoiceField(label="Organisation")
    ar = forms.IntegerField(label="År", min_value=2000, max_value=2100)
    fran = forms.DateField(
        label="Från (valfritt)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    till = forms.DateField(
        label="Till (valfritt)", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, noder, **kwargs):
        super().__init__(*args, **kwargs)
        per_id = {str(n.pk): n for n in noder}
        self.fields["nod"].choices = [(pk, str(n)) for pk, n in per_id.items()]
        self.fields["nod"].coerce = per_id.__getitem__
        self.fields["nod"].error_messages["invalid_choice"] = "Välj en del av organisationen i listan."
        self.fields["ar"].error_messages.update(
            invalid="Ange året med fyra siffror.",
            min_value="Året kan inte vara före 2000.",
            max_value="Året kan inte vara efter 2100.",
        )

    def clean(self):
        data = super().clean()
        fran, till, ar = data.get("fran"), data.get("till"), data.get("ar")
        if (fran is None) != (till is None) and not self.errors.get("fran") and not self.errors.get("till"):
            raise forms.ValidationError(
                "Ange både från- och tilldatum för en egen period, eller inget av dem."
            )
        if fran and till:
            if fran > till:
                self.add_error("till", "Tilldatumet kan inte ligga före fråndatumet.")
            elif ar and not (fran.year == till.year == ar):
                self.add_error("fran", f"En egen period ska ligga inom det valda året ({ar}).")
        return data


class SamladAnalysTextForm(TextForm):
    """Samordnarens analystext; noden och året följer med från sidan."""

    nod = forms.IntegerField(widget=forms.HiddenInput)
    ar = forms.IntegerField(widget=forms.HiddenInput, min_value=2000, max_value=2100)
