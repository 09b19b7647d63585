"""Celery-uppgifter: tunna, idempotenta, tar id:n och anropar en tjänst."""

from celery import shared_task
from django.db import OperationalError as DbOperationalError
from kombu.exceptions import OperationalError

from rapporter import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, DbOperationalError),
    retry_backoff=True,
    retry_jitter=True,
    max_retries=3,
)
def bygg_pdf(berattelse_id: int, anvandare_id: int) -> bool:
    # Idempotent: bara en beställning i läget "koad" byggs, och bara en gång.
    return services.pdf_bygg(berattelse_id=berattelse_id, anvandare_id=anvandare_id)
