from django import template
from django.forms import BaseForm, BaseFormSet
from django.urls import reverse
from django.utils.html import format_html

from kvalitet import access, meny

register = template.Library()


@register.simple_tag(takes_context=True)
def brukarnamn(context, brukare):
    """Namnet, eller "Skyddad identitet" för den som inte handlägger ärendet."""
    return access.brukare_visningsnamn(context["request"].user, brukare)


@register.simple_tag(takes_context=True)
def brukarnummer(context, brukare):
    return access.brukare_visningsnummer(context["request"].user, brukare)


@register.simple_tag(takes_context=True)
def parametrar_utan_sida(context):
    """Nuvarande filter i adressen, utan sidnumret (för paginering)."""
    fraga = context["request"].GET.copy()
    fraga.pop("sida", None)
    return fraga.urlencode()


@register.simple_tag(takes_context=True)
def aktor(context, post, anvandare):
    """Vem som gjorde något i posten, som den inloggade får se det (en anonym rapportör namnges inte)."""
    return access.aktor_visningsnamn(context["request"].user, post, anvandare)


@register.filter
def kan_sida(user, namn):
    """{% if user|kan_sida:"uppfoljning.registrera_forandring" %}: samma fråga som vyns @access.sida."""
    return access.kan_sida(user, namn)


@register.simple_tag(takes_context=True)
def huvudmeny(context):
    """{% huvudmeny as meny %}: menyns val för den inloggade (kvalitet/meny.py)."""
    request = context.get("request")
    if request is None:
        return []
    return meny.huvudmeny(request.user, request.path)


# --- fel i formulär (WCAG 3.3.1): titeln och sammanfattningen -----------------------------------------------


def _har_fel(varde) -> bool:
    # Bara formulär som redan validerats (`_errors` sätts av is_valid/add_error): mallen ska inte validera.
    if isinstance(varde, BaseFormSet):
        return varde.is_bound and (any(varde._errors or []) or bool(varde._non_form_errors))
    return isinstance(varde, BaseForm) and varde.is_bound and bool(varde._errors)


@register.simple_tag(takes_context=True)
def formularfel(context) -> bool:
    """{% formularfel as sidan_har_fel %}: har ett skickat formulär i sidans sammanhang fel? Basmallen sätter
    då "Fel: " först i titeln. Formulär i listor och ordböcker ett steg ned räknas också (sidor med ett
    formulär per rad)."""
    for varde in context.flatten().values():
        if _har_fel(varde):
            return True
        if isinstance(varde, list | tuple):
            for del_ in varde:
                if _har_fel(del_) or (isinstance(del_, list | tuple) and any(_har_fel(d) for d in del_)):
                    return True
        elif isinstance(varde, dict) and any(_har_fel(d) for d in varde.values()):
            return True
    return False


@register.simple_tag
def felsammanfattning(form) -> list[dict]:
    """Felen i formuläret i fältens ordning: text, fältets etikett och ankaret till fältet (tom för fel som
    gäller hela formuläret). För radioknappar och kryssrutelistor pekar ankaret på det första valet."""
    if not getattr(form, "is_bound", False) or not getattr(form, "_errors", None):
        return []
    rader = [{"etikett": "", "text": str(t), "ankare": ""} for t in form.non_field_errors()]
    for falt in form:
        if not falt.errors:
            continue
        ankare = falt.id_for_label or (f"{falt.auto_id}_0" if falt.auto_id else "")
        # Radioknappar utan ett enda val (t.ex. inga kategorier upplagda) har inget fält att länka till.
        if falt.is_hidden or (not falt.id_for_label and not falt.subwidgets):
            ankare = ""
        for text in falt.errors:
            rader.append({"etikett": str(falt.label or falt.name), "text": str(text), "ankare": ankare})
    return rader


# --- breda tabeller (WCAG 2.1.1, 1.4.10) --------------------------------------------------------------------


class _Tabellruta(template.Node):
    def __init__(self, nodelist, etikett, klass):
        self.nodelist, self.etikett, self.klass = nodelist, etikett, klass

    def render(self, context):
        etikett = self.etikett.resolve(context)
        klass = self.klass.resolve(context) if self.klass else ""
        return format_html(
            '<div class="table-responsive{}" role="region" aria-label="{}" tabindex="0">{}</div>',
            f" {klass}" if klass else "",
            etikett,
            self.nodelist.render(context),  # redan escapad (SafeString)
        )


@register.tag
def tabellruta(parser, token):
    """{% tabellruta "Avvikelser" %}<table>…</table>{% endtabellruta %}: en bred tabell i en rullbar ruta som
    går att nå och rulla med tangentbordet (tabindex=0) och som skärmläsaren namnger (role=region).
    `klass="mt-3"` lägger till klasser på rutan."""
    delar = token.split_contents()
    if len(delar) not in (2, 3):
        raise template.TemplateSyntaxError('{% tabellruta "etikett" [klass="…"] %}')
    etikett = parser.compile_filter(delar[1])
    klass = None
    if len(delar) == 3:
        namn, _, varde = delar[2].partition("=")
        if namn != "klass" or not varde:
            raise template.TemplateSyntaxError('{% tabellruta "etikett" klass="…" %}')
        klass = parser.compile_filter(varde)
    nodelist = parser.parse(("endtabellruta",))
    parser.delete_first_token()
    return _Tabellruta(nodelist, etikett, klass)


# --- ett statusmärke för alla arbetsflöden --------------------------------------------------------------------

# Varje arbetsflödes tillstånd (appens TextChoices, se docs/ARCHITECTURE.md) på fem toner; färgerna i
# static/css/app.css (.kv-status-*) når 4,5:1 mot texten, och texten säger alltid tillståndet (inte bara färgen).
# Nycklarna är modellernas etiketter: kärnan importerar ingen app.
STATUS_TON = {
    "avvikelser.avvikelse": {
        "rapporterad": "ny",
        "under_utredning": "pagar",
        "atgardad": "klar",
        "avslutad": "avslutad",
    },
    "avvikelser.klagomal": {"mottaget": "ny", "under_handlaggning": "pagar", "avslutat": "avslutad"},
    "lexsarah.rapport": {
        "rapport": "ny",
        "utredning": "pagar",
        "bedomd": "pagar",
        "anmald_ivo": "varning",
        "atgarder_uppfoljda": "klar",
        "avslutad": "avslutad",
    },
    "riskanalys.riskanalys": {"utkast": "utkast", "faststalld": "klar", "uppfoljd": "avslutad"},
    "riskanalys.atgard": {"planerad": "ny", "pagar": "pagar", "klar": "klar"},
}


def _harledd_status(obj) -> tuple[str, str, str] | None:
    """(värde, text, ton) för arbetsflöden utan statusfält: uppföljningsärendet och det ej verkställda beslutet."""
    etikett = obj._meta.label_lower
    if etikett == "uppfoljning.uppfoljningsarende":
        saknas = obj.saknas()
        if not saknas:
            return "komplett", "Komplett", "klar"
        return "saknas", "Saknar " + ", ".join(saknas), "pagar"
    if etikett == "uppfoljning.ejverkstalltbeslut":
        if obj.verkstallt:
            return "verkstallt", "Verkställt", "klar"
        if obj.avslutat:
            return "avslutat", "Avslutat", "avslutad"
        return "oppet", "Öppet", "varning"
    return None


@register.simple_tag
def status_badge(obj):
    """{% status_badge avvikelse %}: tillståndet som ett märke med den svenska texten (samma överallt)."""
    if obj is None:
        return ""
    harlett = _harledd_status(obj)
    if harlett:
        varde, text, ton = harlett
    else:
        varde = obj.status
        text = obj.get_status_display()
        ton = STATUS_TON.get(obj._meta.label_lower, {}).get(varde, "avslutad")
    return format_html(
        '<span class="badge kv-status kv-status-{}" data-status="{}">{}</span>', ton, varde, text
    )


@register.simple_tag(takes_context=True)
def flik(context, url_namn, text, under=True):
    """{% flik "uppfoljning:mina" "Mina ärenden" %}: en flik i .nav-tabs, markerad med aria-current="page" på
    sin egen sida och "true" på sidor under den (`under=False`: bara den egna sidan)."""
    href = reverse(url_namn)
    sokvag = context["request"].path if context.get("request") else ""
    aktuell = "page" if sokvag == href else ("true" if under and sokvag.startswith(href) else "")
    return format_html(
        '<li class="nav-item"><a class="nav-link{}" href="{}"{}>{}</a></li>',
        " active" if aktuell else "",
        href,
        format_html(' aria-current="{}"', aktuell) if aktuell else "",
        text,
    )
