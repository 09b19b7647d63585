"""Loggar som JSON-rader med begärans id och användarens id, också i Celery-uppgifter som begäran startar.

Inga personuppgifter: bara id:n. Begärans id tas från ett inkommande X-Request-ID om det är en säker
token (så att det går att följa en begäran genom proxyn), annars ett nytt uuid4.
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

begaran_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("begaran_id", default=None)
anvandar_id: contextvars.ContextVar[int | None] = contextvars.ContextVar("anvandar_id", default=None)
_begaran: contextvars.ContextVar = contextvars.ContextVar("begaran", default=None)

SAKER_TOKEN = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Namnen på huvudena i Celery-meddelandet.
HUVUD_BEGARAN, HUVUD_ANVANDARE = "kvalitet_begaran_id", "kvalitet_anvandar_id"


def nytt_id(inkommande: str | None) -> str:
    if inkommande and SAKER_TOKEN.fullmatch(inkommande):
        return inkommande
    return uuid.uuid4().hex


def _inloggad(request) -> int | None:
    # Bara en användare som redan är hämtad: loggningen får aldrig själv fråga databasen.
    user = request.__dict__.get("user")
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


def aktuellt_anvandar_id() -> int | None:
    request = _begaran.get()
    return _inloggad(request) if request is not None else anvandar_id.get()


class BegaranIdMiddleware:
    """Sätter begärans id för loggar och Celery-uppgifter och skickar tillbaka det i X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Django loggar 4xx/5xx efter middlewarekedjan; id:t tas bort först när svaret stängts.
        request_finished.connect(_rensa, dispatch_uid="kvalitet.logg.rensa")

    def __call__(self, request):
        request.id = nytt_id(request.headers.get("X-Request-ID"))
        begaran_id.set(request.id)
        _begaran.set(request)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


def _rensa(**_):
    begaran_id.set(None)
    _begaran.set(None)


class KontextFilter(logging.Filter):
    """Lägger request_id och user_id på varje post."""

    def filter(self, record):
        record.request_id = begaran_id.get() or "-"
        record.user_id = aktuellt_anvandar_id()
        return True


class JsonFormatter(_JsonFormatter):
    """En JSON-rad: time, level, logger, message, request_id, user_id (och exc_info vid fel)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"})
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s", *args, **kwargs
        )


# --- Celery: id:na följer med uppgiften i meddelandets huvuden -----------------------------------------


def koppla_celery() -> None:
    from celery import signals

    @signals.before_task_publish.connect(weak=False)
    def _skicka_med(headers=None, **_):
        if headers is not None and begaran_id.get():
            headers[HUVUD_BEGARAN] = begaran_id.get()
            headers[HUVUD_ANVANDARE] = aktuellt_anvandar_id()

    @signals.task_prerun.connect(weak=False)
    def _ta_emot(task=None, **_):
        id_ = task.request.get(HUVUD_BEGARAN) if task else None
        if id_:
            # I processen (eager) finns id:t redan; i workern sätts det här och tas bort efter uppgiften.
            task.request._kvalitet_kontext = (
                begaran_id.set(id_),
                anvandar_id.set(task.request.get(HUVUD_ANVANDARE)),
            )

    @signals.task_postrun.connect(weak=False)
    def _aterstall(task=None, **_):
        kontext = getattr(task.request, "_kvalitet_kontext", None) if task else None
        if kontext:
            begaran_id.reset(kontext[0])
            anvandar_id.reset(kontext[1])
            task.request._kvalitet_kontext = None
