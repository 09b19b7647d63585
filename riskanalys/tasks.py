"""Celery-uppgifter: tunna, idempotenta, tar id:n och anropar en tjänst."""

from celery import shared_task
from django.conf import settings
from django.db import OperationalError as DbOperationalError
from kombu.exceptions import OperationalError

from riskanalys import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, DbOperationalError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
    # På PDF-kön med samma tidsgränser som kvalitetsberättelsen (CELERY_TASK_ROUTES).
    soft_time_limit=settings.RAPPORTER_PDF_TIDSGRANS,
    time_limit=settings.RAPPORTER_PDF_TIDSGRANS_HARD,
)
def bygg_pdf(bestallning_id: int) -> bool:
    # Idempotent: bara en beställning i läget "koad" byggs, och bara en gång.
    return services.pdf_bygg(bestallning_id=bestallning_id)


@shared_task
def pdf_svep() -> dict:
    """Fastnade PDF-beställningar köas om eller markeras som fel (körs på standardkön)."""
    from kvalitet.metrik import svep_matning

    with svep_matning("riskanalys_pdf"):
        return services.pdf_fastnade_svep()
