"""IVO-blankettens checklista och vårdgivarens kontaktperson i mallarna (lexsarah.ivo)."""

from django import template

from lexsarah import ivo

register = template.Library()


@register.simple_tag
def ivo_checklista(rapport) -> list[dict]:
    return ivo.checklista(rapport)


@register.simple_tag
def ivo_kontaktpersoner(rapport) -> list[dict]:
    return ivo.kontaktpersoner(rapport)


@register.simple_tag
def ivo_organisationsnummer() -> str:
    from django.conf import settings

    return getattr(settings, "KOMMUN_ORGANISATIONSNUMMER", "")
