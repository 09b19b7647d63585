"""Val av enskild i ett formulär: ett sökfält i stället för en lista över alla.

Fältet visar ingen enskild förrän användaren skrivit minst två tecken (eller ett nummer, "nr 17"); träffarna
hämtas med htmx från `kvalitet:enskild_sok`, inom `access.scope` för urvalet, och varje visad enskild
loggas i åtkomstloggen. Skyddade identiteter hittas inte på namn eller personnummer av andra än sin
handläggare och visas som "Skyddad identitet (nr N)". Formuläret validerar det inskickade id:t mot fältets
queryset (appens scope), som vanligt. Sökningen kräver JavaScript (htmx); utan det kan ett redan valt värde
skickas och valideras, men ingen sökning göras.

    self.fields["brukare"] = EnskildVal(queryset=..., user=user, urval="valja", sammanhang="avvikelser")
"""

import dataclasses
import json
import operator
from collections.abc import Callable

from django import forms
from django.urls import reverse

from kvalitet import access, queries
from kvalitet.queries import MINSTA_SOKNING


def _brukaretikett(user, brukare) -> str:
    # Födelsedatum och de två sista siffrorna skiljer två med samma namn åt; hela numret behövs inte för
    # att välja rätt och ska inte stå i varje träfflista (den som söker på numret har det redan).
    if access.visa_identitet(user, brukare):
        return (
            f"{brukare.fornamn} {brukare.efternamn} (f. {brukare.fodelsedatum}, …{brukare.personnummer[-2:]})"
        )
    return access.brukare_visningsnamn(user, brukare)


def _insatsetikett(user, insats) -> str:
    return f"{access.brukare_visningsnamn(user, insats.brukare)}: {insats.typ.namn} ({insats.lag})"


@dataclasses.dataclass(frozen=True)
class Urval:
    """Vad ett sökfält söker bland: träffar (None om sökningen är för kort), etikett och vems post det är."""

    sok: Callable
    etikett: Callable
    brukare_id: Callable


URVAL = {
    "valja": Urval(
        lambda user, fraga: queries.enskilda_att_valja(user, fraga, access.VALJA),
        _brukaretikett,
        operator.attrgetter("pk"),
    ),
    "andra": Urval(
        lambda user, fraga: queries.enskilda_att_valja(user, fraga, access.ANDRA),
        _brukaretikett,
        operator.attrgetter("pk"),
    ),
    "pagaende_insats": Urval(
        queries.pagaende_insatser_att_valja, _insatsetikett, operator.attrgetter("brukare_id")
    ),
}
# Vad som står i åtkomstloggen ("<sammanhang>: sök enskild"); bara kända värden från klienten.
SAMMANHANG = ("avvikelser", "lex Sarah", "riskanalys", "uppföljning")


class EnskildSok(forms.Widget):
    """Sökfält, de valda (markerade) och en tom yta för träffarna; se modulens beskrivning."""

    template_name = "kvalitet/widgets/enskild_val.html"

    def __init__(self, *, urval: str, flera: bool, sammanhang: str, attrs=None):
        super().__init__(attrs)
        self.urval, self.flera, self.sammanhang = urval, flera, sammanhang
        self.falt = None  # sätts av fältet: det ger etiketterna för de redan valda

    def format_value(self, value):
        if value is None or value == "":
            return []
        varden = value if isinstance(value, list | tuple) else [value]
        return [str(getattr(v, "pk", v)) for v in varden if v not in (None, "")]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        w = context["widget"]
        valda = self.falt.valda(w["value"]) if self.falt is not None else []
        w.update(
            sok_url=reverse("kvalitet:enskild_sok"),
            sok_parametrar=json.dumps(
                {"urval": self.urval, "falt": name, "flera": int(self.flera), "sammanhang": self.sammanhang}
            ),
            typ="checkbox" if self.flera else "radio",
            valda=valda,
            ingen_valbar=not self.flera and not self.is_required,
            minsta=MINSTA_SOKNING,
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if self.flera and hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        # Som kryssrutor: inget markerat betyder "inget valt", inte "fältet saknas".
        return False

    def id_for_label(self, id_):
        return f"{id_}_sok" if id_ else id_


class _EnskildFalt:
    flera = False

    def __init__(self, *args, user, urval: str = "valja", sammanhang: str = "", **kwargs):
        kwargs.setdefault("widget", EnskildSok(urval=urval, flera=self.flera, sammanhang=sammanhang))
        super().__init__(*args, **kwargs)
        self.user, self.urval = user, urval
        self.widget.falt = self

    def __deepcopy__(self, memo):
        kopia = super().__deepcopy__(memo)
        kopia.widget.falt = kopia
        return kopia

    def label_from_instance(self, obj):
        return URVAL[self.urval].etikett(self.user, obj)

    def valda(self, pks) -> list[tuple[int, str]]:
        """(id, etikett) för de valda som finns i fältets urval, synliga namn först."""
        ids = [int(p) for p in pks if str(p).isdigit()]
        if not ids:
            return []
        poster = list(self.queryset.filter(pk__in=ids))
        poster.sort(key=lambda p: ids.index(p.pk))
        return [(p.pk, self.label_from_instance(p)) for p in poster]


class EnskildVal(_EnskildFalt, forms.ModelChoiceField):
    """En enskild (eller en enskilds insats), vald genom sökning."""


class EnskildaVal(_EnskildFalt, forms.ModelMultipleChoiceField):
    """Flera enskilda, valda genom sökning."""

    flera = True


class SokForm(forms.Form):
    """Parametrarna till `kvalitet:enskild_sok`."""

    urval = forms.ChoiceField(choices=[(k, k) for k in URVAL])
    falt = forms.RegexField(regex=r"^[\w-]{1,100}$")
    flera = forms.TypedChoiceField(
        choices=[("0", "0"), ("1", "1")], coerce=lambda v: v == "1", required=False
    )
    sammanhang = forms.CharField(required=False, max_length=50)

    def clean_sammanhang(self):
        return self.cleaned_data["sammanhang"] if self.cleaned_data["sammanhang"] in SAMMANHANG else ""
