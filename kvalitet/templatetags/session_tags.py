import json

from django import template
from django.conf import settings

from kvalitet import session

register = template.Library()


@register.simple_tag(takes_context=True)
def sessionsvarning(context) -> dict:
    """Det session.js behöver: sessionens längd, när varningen visas och vilka utkast som ska bort."""
    request = context["request"]
    return {
        "sekunder": settings.SESSION_COOKIE_AGE,
        "varna_fore": session.varna_fore(),
        "rensa": json.dumps(session.utkast_att_rensa(request)),
    }
