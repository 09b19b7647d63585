"""Felrapportering med sentry-sdk (Sentry eller GlitchTip), påslagen med SENTRY_DSN.

Ingenting med personuppgifter lämnar servern: inga formulärdata, cookies, huvuden eller frågesträngar,
inga lokala variabler eller källkodsrader, av användaren bara id:t, och personnummer i texter byts mot en markör.
"""

import re

PERSONNUMMER = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+ ]?\d{4}(?!\d)")
MARKOR = "[personnummer]"


def _text(varde):
    return PERSONNUMMER.sub(MARKOR, varde) if isinstance(varde, str) else varde


def _ramar(stacktrace: dict | None) -> None:
    for ram in (stacktrace or {}).get("frames", []):
        for falt in ("vars", "pre_context", "context_line", "post_context"):
            ram.pop(falt, None)


def rensa(event: dict, hint: dict | None = None) -> dict:
    """sentry-sdk:s before_send (och before_send_transaction): tar bort allt som kan vara personuppgifter."""
    begaran = event.get("request")
    if begaran:
        url = (begaran.get("url") or "").split("?", 1)[0]
        event["request"] = {"method": begaran.get("method"), "url": _text(url)}
    anvandare = event.get("user")
    if anvandare:
        event["user"] = {"id": anvandare["id"]} if anvandare.get("id") is not None else {}
    for undantag in (event.get("exception") or {}).get("values", []):
        undantag["value"] = _text(undantag.get("value"))
        _ramar(undantag.get("stacktrace"))
    for trad in (event.get("threads") or {}).get("values", []):
        _ramar(trad.get("stacktrace"))
    if "logentry" in event:
        event["logentry"] = {
            "message": _text(event["logentry"].get("message")),
            "params": [],
            "formatted": _text(event["logentry"].get("formatted")),
        }
    if "message" in event:
        event["message"] = _text(event["message"])
    for spar in (event.get("breadcrumbs") or {}).get("values", []):
        spar["message"] = _text(spar.get("message"))
        spar.pop("data", None)
    event.pop("extra", None)
    return event


def starta(dsn: str, *, miljo: str, **alternativ) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=miljo,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        include_local_variables=False,
        include_source_context=False,
        max_request_body_size="never",
        before_send=rensa,
        before_send_transaction=rensa,
        traces_sample_rate=0.0,
        **alternativ,
    )
