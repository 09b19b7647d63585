"""Avvikelser och klagomål i REST-API:t: läsning inom åtkomsten, och POST för att rapportera eller föra in
historik (datum i tidigare år). Skrivningar valideras av samma formulär som webben (samma regler, samma
svenska meddelanden) och sparas av tjänsterna i avvikelser.services."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied

from avvikelser import services
from avvikelser.forms import AvvikelseHistorikForm, KlagomalHistorikForm, kan_rapportera
from avvikelser.models import (
    Avsandartyp,
    Avvikelse,
    AvvikelseStatus,
    Kategori,
    Klagomal,
    KlagomalStatus,
    KlagomalTyp,
)
from kvalitet.api.base import ApiDatumfalt, ApiDatumTidfalt, HeltalFilter, LasViewSet, NodFilter
from kvalitet.api.brukare import FormSerializer, SkrivMixin
from kvalitet.models.brukare import Lag

# Id:n i skrivningar: positiva heltal som ryms i databasens kolumn (annars 400, aldrig ett databasfel).
_ID = {"min_value": 1, "max_value": 2**31 - 1}


class KategoriSerializer(serializers.ModelSerializer):
    class Meta:
        model = Kategori
        fields = ["id", "namn", "aktiv"]


class AvvikelseSerializer(serializers.ModelSerializer):
    # Rapportören visas aldrig här (anonyma rapporter ska inte gå att spåra via API:t).
    riskvarde = serializers.IntegerField(read_only=True, allow_null=True)
    riskniva = serializers.SerializerMethodField()

    class Meta:
        model = Avvikelse
        fields = [
            "id",
            "referensnummer",
            "enhet",
            "brukare",
            "lag",
            "kategori",
            "status",
            "handelsetid",
            "rapporterad",
            "beskrivning",
            "atgard_direkt",
            "konsekvens_for_brukaren",
            "konsekvens",
            "sannolikhet",
            "riskvarde",
            "riskniva",
            "slutsats",
            "paborjad",
            "avslutad",
        ]

    def get_riskniva(self, obj) -> str | None:
        niva = obj.riskniva
        return niva.kod if niva else None


class KlagomalSerializer(serializers.ModelSerializer):
    class Meta:
        model = Klagomal
        fields = [
            "id",
            "referensnummer",
            "enhet",
            "typ",
            "avsandartyp",
            "anonym",
            "namn",
            "kontakt",
            "beskrivning",
            "tema",
            "inkommet",
            "via_e_tjanst",
            "status",
            "aterkoppling_datum",
            "aterkoppling_hur",
            "avslutat",
        ]


def _tjanstefel(fel: DjangoValidationError):
    """Tjänstens ValidationError som 400 med fältfel (samma form som formulärets)."""
    if hasattr(fel, "error_dict"):
        return serializers.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in fel.message_dict.items()}
        )
    return serializers.ValidationError({"non_field_errors": fel.messages})


def _idempotensnyckel(request) -> uuid.UUID | None:
    """Rubriken Idempotency-Key (valfri) som inlämningsnyckel, per användare: samma nyckel igen ger den
    redan registrerade avvikelsen i stället för en till (t.ex. när en integration skickar om)."""
    nyckel = (request.headers.get("Idempotency-Key") or "").strip()[:200]
    if not nyckel:
        return None
    return uuid.uuid5(uuid.NAMESPACE_URL, f"kvalitet:avvikelse:{request.user.pk}:{nyckel}")


class AvvikelseSkrivSerializer(FormSerializer):
    """Rapportera en avvikelse, eller för in en historisk: `rapporterad` (inte i framtiden, inte före
    händelsen) och, för en avslutad, `avslutad` (efter rapporterad) med `slutsats`."""

    form_class = AvvikelseHistorikForm

    enhet = serializers.IntegerField(**_ID, help_text="En enhet du får rapportera för.")
    handelsetid = ApiDatumTidfalt(help_text="När det hände (inte i framtiden).")
    brukare = serializers.IntegerField(**_ID, required=False, allow_null=True)
    lag = serializers.ChoiceField(choices=Lag.choices)
    kategori = serializers.IntegerField(**_ID, help_text="En avvikelsekategori som erbjuds.")
    beskrivning = serializers.CharField(allow_blank=True, max_length=10000)
    atgard_direkt = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    konsekvens_for_brukaren = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    anonym = serializers.BooleanField(required=False, default=False)
    rapporterad = ApiDatumTidfalt(
        required=False, allow_null=True, help_text="Historik: när avvikelsen rapporterades."
    )
    avslutad = ApiDatumTidfalt(
        required=False,
        allow_null=True,
        help_text="Historik: när avvikelsen avslutades; posten skapas avslutad, utan påminnelser.",
    )
    slutsats = serializers.CharField(
        required=False, allow_blank=True, max_length=10000, help_text="Krävs när avslutad anges."
    )

    def form_kwargs(self):
        return {"user": self.context["request"].user}

    def save(self, **kwargs):
        data = self.form.cleaned_data
        try:
            return services.avvikelse_registrera_historisk(
                avvikelse=self.form.save(commit=False),
                av=self.context["request"].user,
                rapporterad=data.get("rapporterad"),
                avslutad=data.get("avslutad"),
                slutsats=data.get("slutsats") or "",
                inlamningsnyckel=_idempotensnyckel(self.context["request"]),
            )
        except DjangoValidationError as fel:
            raise _tjanstefel(fel) from fel


class KlagomalSkrivSerializer(FormSerializer):
    """Registrera ett klagomål eller en synpunkt åt någon, eller för in ett historiskt ärende: `inkommet`
    och, för ett avslutat, `avslutat` med återkopplingen (krävs om avsändaren inte är anonym)."""

    form_class = KlagomalHistorikForm

    enhet = serializers.IntegerField(**_ID, help_text="En enhet du har en roll på.")
    # Som text (formuläret prövar värdet): ett eget enum här krockar i schemat med klagomålens läsvy.
    typ = serializers.CharField(
        required=False,
        default=KlagomalTyp.KLAGOMAL,
        max_length=10,
        help_text="klagomal (förvalt), forslag eller berom",
    )
    avsandartyp = serializers.ChoiceField(
        choices=Avsandartyp.choices, required=False, default=Avsandartyp.ENSKILD
    )
    anonym = serializers.BooleanField(required=False, default=False)
    namn = serializers.CharField(required=False, allow_blank=True, max_length=200)
    kontakt = serializers.CharField(required=False, allow_blank=True, max_length=200)
    beskrivning = serializers.CharField(allow_blank=True, max_length=10000)
    tema = serializers.IntegerField(
        **_ID, required=False, allow_null=True, help_text="En avvikelsekategori som erbjuds (valfritt)."
    )
    inkommet = ApiDatumTidfalt(
        required=False, allow_null=True, help_text="Historik: när ärendet kom in (inte i framtiden)."
    )
    avslutat = ApiDatumTidfalt(
        required=False,
        allow_null=True,
        help_text="Historik: när ärendet avslutades; det skapas avslutat, utan påminnelse.",
    )
    aterkoppling_datum = ApiDatumfalt(required=False, allow_null=True)
    aterkoppling_hur = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def form_kwargs(self):
        return {"user": self.context["request"].user}

    def save(self, **kwargs):
        data = self.form.cleaned_data
        try:
            return services.klagomal_registrera_historisk(
                klagomal=self.form.save(commit=False),
                av=self.context["request"].user,
                inkommet=data.get("inkommet"),
                avslutat=data.get("avslutat"),
                aterkoppling_datum=data.get("aterkoppling_datum"),
                aterkoppling_hur=data.get("aterkoppling_hur") or "",
            )
        except DjangoValidationError as fel:
            raise _tjanstefel(fel) from fel


class RapporteraMixin(SkrivMixin):
    """Bara POST (skapa); den som inte har någon enhet att rapportera för får 403 och inget skrivs."""

    http_method_names = ["get", "post", "head", "options"]
    far_inte_skapa = "Du har ingen enhet att rapportera för."

    @staticmethod
    def far_skapa(user) -> bool:
        # Samma prövning som create: webbläsarvyn visar inget formulär för den som inte får rapportera.
        return kan_rapportera(user)

    def create(self, request, *args, **kwargs):
        if not kan_rapportera(request.user):
            raise PermissionDenied("Du har ingen enhet att rapportera för.")
        return super().create(request, *args, **kwargs)


class AvvikelseFilter(NodFilter):
    status = filters.ChoiceFilter(choices=AvvikelseStatus.choices)
    kategori = HeltalFilter(field_name="kategori")
    brukare = HeltalFilter(field_name="brukare")
    fran = filters.DateFilter(
        field_name="handelsetid", lookup_expr="date__gte", label="Händelse från (datum)"
    )
    till = filters.DateFilter(
        field_name="handelsetid", lookup_expr="date__lte", label="Händelse till (datum)"
    )

    class Meta:
        model = Avvikelse
        fields = ["status", "kategori", "brukare"]


@extend_schema_view(
    create=extend_schema(request=AvvikelseSkrivSerializer, responses={201: AvvikelseSerializer})
)
class AvvikelseViewSet(RapporteraMixin, LasViewSet):
    """Avvikelser: chefer ser sina enheters, kvalitetssamordnare nämndens, personal bara sina egna.
    POST rapporterar (eller för in en historisk avvikelse) vid en enhet man har en roll på."""

    model = Avvikelse
    serializer_class = AvvikelseSerializer
    skriv_serializer_class = AvvikelseSkrivSerializer
    filterset_class = AvvikelseFilter
    loggtext = "Avvikelser"

    def get_queryset(self):
        return super().get_queryset().order_by("-rapporterad", "-pk")


class KlagomalFilter(NodFilter):
    status = filters.ChoiceFilter(choices=KlagomalStatus.choices)
    typ = filters.ChoiceFilter(choices=KlagomalTyp.choices)
    fran = filters.DateFilter(field_name="inkommet", lookup_expr="date__gte", label="Inkommet från (datum)")
    till = filters.DateFilter(field_name="inkommet", lookup_expr="date__lte", label="Inkommet till (datum)")

    class Meta:
        model = Klagomal
        fields = ["status", "typ"]


@extend_schema_view(
    create=extend_schema(request=KlagomalSkrivSerializer, responses={201: KlagomalSerializer})
)
class KlagomalViewSet(RapporteraMixin, LasViewSet):
    """Klagomål och synpunkter. POST registrerar (eller för in ett historiskt ärende) vid en enhet man har
    en roll på."""

    model = Klagomal
    serializer_class = KlagomalSerializer
    skriv_serializer_class = KlagomalSkrivSerializer
    filterset_class = KlagomalFilter

    def get_queryset(self):
        return super().get_queryset().order_by("-inkommet", "-pk")


class KategoriViewSet(LasViewSet):
    model = Kategori
    serializer_class = KategoriSerializer


def registrera(router) -> None:
    router.register("avvikelser", AvvikelseViewSet, basename="avvikelse")
    router.register("klagomal", KlagomalViewSet, basename="klagomal")
    router.register("avvikelsekategorier", KategoriViewSet, basename="avvikelsekategori")
