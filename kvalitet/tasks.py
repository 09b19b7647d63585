"""Celery-uppgifter: tunna, idempotenta, tar id:n och anropar en tjänst."""

import logging

from celery import shared_task
from django.conf import settings
from kombu.exceptions import OperationalError

from kvalitet import services

logger = logging.getLogger(__name__)


def trygg_koa(uppgift, *args, **kwargs) -> bool:
    """Köar en uppgift utan att någonsin låta en webbegäran hänga eller falla på Redis.

    Går det inte att nå brokern loggas det och False returneras; det som uppgiften skulle göra finns
    kvar som data (bevakning eller utkorg) och tas av nästa svep.
    """
    if settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            uppgift.apply(args=args, kwargs=kwargs, throw=True)
        except Exception:
            logger.exception("Uppgiften %s misslyckades i processen", uppgift.name)
            return False
        return True
    try:
        uppgift.apply_async(args=args, kwargs=kwargs, retry=False)
    except (OperationalError, OSError, TimeoutError):
        logger.warning("Kunde inte nå Celery-brokern; %s tas av nästa svep", uppgift.name)
        return False
    return True


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def bevakningssvep() -> dict:
    """Förfallna bevakningar blir notifikationer, sedan töms utkorgen. Säker att köra hur ofta som helst."""
    from kvalitet.metrik import svep_matning

    with svep_matning("bevakningssvep"):
        nya = services.bevakningar_svep()
        skickade = services.utkorg_skicka()
    return {"notifikationer": nya, "epost": skickade}


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def skicka_utkorg() -> int:
    return services.utkorg_skicka()


@shared_task
def rensa_sessioner() -> None:
    """Utgångna sessioner tas bort (Djangos clearsessions), varje natt."""
    from django.core.management import call_command

    call_command("clearsessions")


@shared_task(acks_late=True)
def sakerhetskopia() -> list[str]:
    """Nattens säkerhetskopia (databas och filer); en gång per dag, gamla tas bort."""
    from kvalitet import backup

    return [str(f) for f in backup.sakerhetskopia_skapa()]


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def atgardssvep() -> dict:
    """Försenade åtgärder ur åtgärdsregistret blir påminnelser (en gång var, unik nyckel), sedan töms
    utkorgen. Säker att köra hur ofta som helst; beat kör det en gång i timmen."""
    from kvalitet import atgardsregister
    from kvalitet.metrik import svep_matning

    with svep_matning("atgardssvep"):
        nya = atgardsregister.paminnelser_svep()
        skickade = services.utkorg_skicka()
    return {"paminnelser": nya, "epost": skickade}
