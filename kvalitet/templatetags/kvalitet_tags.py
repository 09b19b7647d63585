from django import template

from kvalitet import access

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
