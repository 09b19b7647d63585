"""Celery-uppgifter: tunna, idempotenta, tar id:n och anropar en tjänst."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError as DbOperationalError
from kombu.exceptions import OperationalError

from rapporter import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, DbOperationalError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
    # PDF-kön har en egen worker (se CELERY_TASK_ROUTES); den mjuka gränsen ger ett fel som samordnaren
    # ser, den hårda dödar barnprocessen och svepet nedan markerar beställningen.
    soft_time_limit=settings.RAPPORTER_PDF_TIDSGRANS,
    time_limit=settings.RAPPORTER_PDF_TIDSGRANS_HARD,
)
def bygg_pdf(berattelse_id: int, anvandare_id: int) -> bool:
    # Idempotent: bara en beställning i läget "koad" byggs, och bara en gång.
    return services.pdf_bygg(berattelse_id=berattelse_id, anvandare_id=anvandare_id)


@shared_task
def pdf_svep() -> dict:
    """Fastnade PDF-beställningar köas om eller markeras som fel (körs på standardkön, inte PDF-kön)."""
    from kvalitet.metrik import svep_matning

    with svep_matning("pdf"):
        return services.pdf_fastnade_svep()
