"""Sidindelning och felsvar, i en egen modul: DRF:s inställningar importerar dem när generics laddas."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler


class Sidindelning(PageNumberPagination):
    page_size = 50
    page_size_query_param = "per_sida"
    max_page_size = 500
    page_query_param = "sida"
    invalid_page_message = "Sidan finns inte."


def felhanterare(exc, context):
    """Svenska felsvar; Djangos valideringsfel blir 400 i stället för 500."""
    if isinstance(exc, DjangoValidationError):
        detalj = exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages}
        exc = exceptions.ValidationError(detalj)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Finns inte.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied("Du har inte behörighet.")
    elif isinstance(exc, exceptions.NotAuthenticated):
        exc = exceptions.NotAuthenticated("Inloggning krävs.")
    return exception_handler(exc, context)
