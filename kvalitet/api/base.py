"""Gemensamt för API:ts vyer: sidindelning, felsvar, åtkomst och åtkomstlogg.

Varje queryset börjar i `kvalitet.access.scope(request.user, Model)`: en token agerar med exakt sin
användares roller. Svar med en enskilds uppgifter loggas via `kvalitet.audit.logga_visning`.
"""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django_filters import rest_framework as filters
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import APIException

from kvalitet import access
from kvalitet.api.behorighet import FarAndra
from kvalitet.audit import logga_visning
from kvalitet.forms import UTANFOR_MEDDELANDE, rimligt_datum
from kvalitet.models import OrgNod


def nod_och_under(qs, falt: str, nod_id: int):
    """Poster vars nod (falt) ligger i delträdet under nod_id, inklusive noden själv."""
    nod = OrgNod.objects.filter(pk=nod_id).first()
    if nod is None:
        return qs.none()
    return qs.filter(Q(**{f"{falt}__sokvag__startswith": nod.sokvag}))


class Krockfel(APIException):
    """409: PUT/PATCH utan `version`, eller mot en version som någon annan redan har ändrat
    (kvalitet.samtidighet). Svaret har samma svenska meddelande som webben och den sparade versionen;
    ingenting är sparat."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "krock"

    def __init__(self, krock):
        super().__init__(krock.message, code="krock")
        # Versionen som tal (APIException gör annars om varje värde till text).
        self.detail = {"detail": self.detail, "version": krock.version}


VERSION_HJALP = (
    "Versionen du utgick från (läs den med GET). Krävs vid PUT/PATCH; en saknad eller inaktuell "
    "version ger 409 och ingenting sparas."
)


class HeltalFilter(filters.NumberFilter):
    """Id-filter: bara heltal (1.5 eller text ger 400, inte en gissning)."""

    field_class = forms.IntegerField


class ApiDatumfalt(serializers.DateField):
    """Datum i en skrivning eller fråga: samma gränser och svenska meddelande som formulärens fält
    (år 1 eller 9999 ger 400, aldrig ett 500-svar längre fram)."""

    default_validators = [rimligt_datum]


class ApiDatumTidfalt(serializers.DateTimeField):
    """Tidpunkt i en skrivning: samma gränser. DRF räknar om tidpunkten till UTC redan vid tolkningen,
    och där ger år 1 OverflowError; det blir också 400 med det svenska meddelandet."""

    default_validators = [rimligt_datum]
    default_error_messages = {"overflow": UTANFOR_MEDDELANDE}

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("overflow")


class NodFilter(filters.FilterSet):
    """Bas för listfilter: `nod` = organisationsnod (med allt under den)."""

    nod = HeltalFilter(method="filtrera_nod", label="Organisationsnod (id), med allt under")
    nodfalt = "enhet"

    def filtrera_nod(self, qs, name, value):
        return nod_och_under(qs, self.nodfalt, int(value))


class ScopeMixin:
    """queryset = scope(user, model); skrivningar hämtar objektet med rätten att ändra."""

    model = None
    # Formulär (också i webbläsarvyn) bara för den som får ändra posten eller skapa en ny (FarAndra).
    permission_classes = [FarAndra]
    # <int:pk> i adresserna: ett id som inte är ett heltal ger 404 direkt, och URL-genomgången kan fylla i id:n.
    lookup_value_converter = "int"
    select_related: tuple[str, ...] = ()
    prefetch_related: tuple[str, ...] = ()

    def get_queryset(self):
        atgard = access.ANDRA if self.request.method not in ("GET", "HEAD", "OPTIONS") else access.LASA
        qs = access.scope(self.request.user, self.model, atgard)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        if self.prefetch_related:
            qs = qs.prefetch_related(*self.prefetch_related)
        return qs


class AtkomstloggMixin:
    """Loggar varje brukare vars uppgifter finns i svaret (som en sidvisning)."""

    loggtext = "API"

    def brukare_ids(self, objekt) -> list[int]:
        return [o.brukare_id for o in objekt if getattr(o, "brukare_id", None)]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        objekt = getattr(self, "_visade", None)
        if objekt and 200 <= response.status_code < 300:
            logga_visning(request, self.brukare_ids(objekt), f"{self.loggtext} (API)")
        return response

    def list(self, request, *args, **kwargs):
        qs = self.filter_queryset(self.get_queryset())
        sida = self.paginate_queryset(qs)
        objekt = list(sida if sida is not None else qs)
        self._visade = objekt
        data = self.get_serializer(objekt, many=True).data
        return self.get_paginated_response(data) if sida is not None else _svar(data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self._visade = [obj]
        return _svar(self.get_serializer(obj).data)


def _svar(data):
    from rest_framework.response import Response

    return Response(data)


class LasViewSet(ScopeMixin, AtkomstloggMixin, viewsets.ReadOnlyModelViewSet):
    """Läsning med åtkomstregel och åtkomstlogg."""


class LasSkrivViewSet(
    ScopeMixin,
    AtkomstloggMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.ReadOnlyModelViewSet,
):
    """Läsning + skapa/ändra (aldrig radera: historiken ska finnas kvar)."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
