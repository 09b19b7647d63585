from django import template
from django.utils.formats import number_format

register = template.Library()

MANADER = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]  # fmt: skip


@register.filter
def tal(v):
    """Ett tal med högst en decimal och svensk decimalkomma; "–" när det saknas."""
    if v is None or v == "":
        return "–"
    try:
        f = float(v)
    except (TypeError, ValueError):
        return v
    return number_format(f, 0 if f == int(f) else 1)


@register.filter
def hamta(d, nyckel):
    return d.get(nyckel, "") if isinstance(d, dict) else ""


@register.filter
def manadsnamn(m):
    try:
        return MANADER[int(m) - 1]
    except (TypeError, ValueError, IndexError):
        return ""


@register.filter
def rensad(html):
    """Samordnarens text, rensad en gång till vid visning (försvar på djupet: även äldre eller
    inlästa texter kan aldrig bära skript)."""
    from django.utils.safestring import mark_safe

    from rapporter.services import rensa_html

    # Texten är rensad med nh3 och en tagglista utan attribut; därför får den visas som HTML.
    return mark_safe(rensa_html(html))  # noqa: S308  # nosec B308 B703
