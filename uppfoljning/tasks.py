"""Celery-uppgifter för uppföljningen: tunna och idempotenta (påminnelserna har unika nycklar)."""

from celery import shared_task
from kombu.exceptions import OperationalError

from uppfoljning import services


@shared_task(
    acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, retry_jitter=True, max_retries=5
)
def uppfoljning_svep() -> dict:
    """Härleder ej verkställda beslut och förfallna påminnelser; sedan töms utkorgen."""
    from kvalitet import services as kvalitet_services
    from kvalitet.metrik import svep_matning

    with svep_matning("uppfoljning"):
        resultat = services.svep()
        resultat["epost"] = kvalitet_services.utkorg_skicka()
    return resultat
