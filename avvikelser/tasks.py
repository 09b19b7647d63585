"""Celery-uppgifter för avvikelser: tunna, idempotenta."""

from celery import shared_task

from avvikelser import services


@shared_task
def rensa_oppna_inlamningar() -> int:
    """Raderna bakom det öppna formulärets hastighetsbegränsning behövs bara en timme; gamla tas bort."""
    return services.oppna_inlamningar_rensa()
