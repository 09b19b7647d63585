"""Mål med målindikatorer och värden, interna kontrollplaner och förbättringsplanen i API:t (läsning).

Inga personuppgifter. Chefer och kvalitetssamordnare läser det som hör till deras noder och noderna
ovanför (nämndens mål gäller också enheten), precis som i webben.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kvalitet import access, services
from kvalitet.api.base import HeltalFilter, Krockfel, LasViewSet, NodFilter
from kvalitet.forms_kvalitetsarbete import IndikatorvardeForm
from kvalitet.models.kvalitetsarbete import (
    Berakning,
    Forbattringsatgard,
    Indikatorvarde,
    Kontrollplan,
    Kontrollpunkt,
    Mal,
    Malindikator,
)
from kvalitet.samtidighet import Krock


class IndikatorvardeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indikatorvarde
        fields = ["ar", "varde", "kalla", "version"]


class MalindikatorSerializer(serializers.ModelSerializer):
    varden = IndikatorvardeSerializer(many=True, read_only=True)

    class Meta:
        model = Malindikator
        fields = ["id", "namn", "malvarde", "riktning", "kalla", "berakning", "kolada_kpi", "enhet", "varden"]


class MalSerializer(serializers.ModelSerializer):
    indikatorer = MalindikatorSerializer(many=True, read_only=True)

    class Meta:
        model = Mal
        fields = ["id", "nod", "ar", "rubrik", "beskrivning", "indikatorer"]


class ArFilter(NodFilter):
    nodfalt = "nod"
    ar = HeltalFilter(field_name="ar")


class MalFilter(ArFilter):
    class Meta:
        model = Mal
        fields = ["ar"]


class MalViewSet(LasViewSet):
    """Mål per nod och år, med indikatorer (målvärde, riktning, källa) och värden per år."""

    model = Mal
    serializer_class = MalSerializer
    filterset_class = MalFilter

    def get_queryset(self):
        return (
            access.scope(self.request.user, Mal)
            .prefetch_related(
                Prefetch("indikatorer", queryset=Malindikator.objects.order_by("namn", "pk")),
                Prefetch("indikatorer__varden", queryset=Indikatorvarde.objects.order_by("ar")),
            )
            .order_by("-ar", "rubrik", "pk")
        )


class IndikatorSerializer(MalindikatorSerializer):
    # Uttryckligen: ett skrivskyddat valfält förlorar annars det tomma valet ("manuell") i schemat.
    berakning = serializers.ChoiceField(choices=Berakning.choices, allow_blank=True, read_only=True)

    class Meta(MalindikatorSerializer.Meta):
        fields = ["id", "mal", *MalindikatorSerializer.Meta.fields[1:]]
        read_only_fields = fields


class IndikatorvardeSkrivSerializer(serializers.Serializer):
    """Ett värde för ett år (även tidigare år, så att historiken kan föras in). Formuläret avgör: samma
    regler och svenska meddelanden som i webben; ett nytt värde för samma år ersätter det gamla."""

    ar = serializers.CharField(help_text="År, 2000–2100")
    varde = serializers.CharField(help_text="Tal, t.ex. 87.5 eller 87,5")
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        help_text="Finns redan ett värde för året: dess version (läs den med GET). Saknas den eller är den "
        "inaktuell svarar API:t 409 och ingenting sparas.",
    )

    def to_internal_value(self, data):
        # Skicka vidare som text: formuläret tolkar och ger meddelandena.
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": ["Skicka ett objekt med ar och varde."]})
        return {k: "" if data.get(k) is None else str(data.get(k)) for k in ("ar", "varde", "version")}


class IndikatorFilter(filters.FilterSet):
    mal = HeltalFilter(field_name="mal")
    ar = HeltalFilter(field_name="mal__ar", label="Målets år")

    class Meta:
        model = Malindikator
        fields = ["mal"]


class MalindikatorViewSet(LasViewSet):
    """Målindikatorer med värden per år; kvalitetssamordnaren registrerar värden (POST .../varden/)."""

    model = Malindikator
    serializer_class = IndikatorSerializer
    filterset_class = IndikatorFilter

    def get_queryset(self):
        return (
            access.scope(self.request.user, Malindikator)
            .prefetch_related(Prefetch("varden", queryset=Indikatorvarde.objects.order_by("ar")))
            .order_by("mal", "namn", "pk")
        )

    @extend_schema(request=IndikatorvardeSkrivSerializer, responses={201: IndikatorvardeSerializer})
    # Egen serializer: annars ritar det bläddringsbara API:t ett formulär med målen i alla nämnder.
    @action(detail=True, methods=["post"], serializer_class=IndikatorvardeSkrivSerializer)
    def varden(self, request, pk=None, format=None):
        indikator = access.hamta(request.user, Malindikator, access.ANDRA, pk=pk)
        s = IndikatorvardeSkrivSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        form = IndikatorvardeForm(data=s.validated_data, indikator=indikator)
        if not form.is_valid():
            raise serializers.ValidationError(form.errors)
        try:
            varde = services.indikatorvarde_spara(**form.tjanstens_data(), av=request.user)
        except Krock as krock:
            raise Krockfel(krock) from None
        return Response(IndikatorvardeSerializer(varde).data, status=status.HTTP_201_CREATED)


class KontrollpunktSerializer(serializers.ModelSerializer):
    class Meta:
        model = Kontrollpunkt
        fields = ["id", "aktivitet", "ansvarig", "nar", "uppfoljning", "iakttagelser", "genomford"]


class KontrollplanSerializer(serializers.ModelSerializer):
    kontrollpunkter = KontrollpunktSerializer(many=True, read_only=True)

    class Meta:
        model = Kontrollplan
        fields = ["id", "nod", "ar", "rubrik", "kontrollpunkter"]


class KontrollplanFilter(ArFilter):
    class Meta:
        model = Kontrollplan
        fields = ["ar"]


class KontrollplanViewSet(LasViewSet):
    """Interna kontrollplaner (egenkontroll) med kontrollpunkter."""

    model = Kontrollplan
    serializer_class = KontrollplanSerializer
    filterset_class = KontrollplanFilter

    def get_queryset(self):
        punkter = Kontrollpunkt.objects.order_by("pk")
        return (
            access.scope(self.request.user, Kontrollplan)
            .prefetch_related(Prefetch("kontrollpunkter", queryset=punkter))
            .order_by("-ar", "pk")
        )


class ForbattringsatgardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Forbattringsatgard
        fields = ["id", "nod", "ar", "omrade", "atgard", "ansvarig", "uppfoljning", "klar"]


class ForbattringsatgardFilter(ArFilter):
    klar = filters.BooleanFilter()

    class Meta:
        model = Forbattringsatgard
        fields = ["ar", "klar"]


class ForbattringsatgardViewSet(LasViewSet):
    """Förbättringsplanen: åtgärder per nod och år."""

    model = Forbattringsatgard
    serializer_class = ForbattringsatgardSerializer
    filterset_class = ForbattringsatgardFilter

    def get_queryset(self):
        return access.scope(self.request.user, Forbattringsatgard).order_by("-ar", "pk")


def registrera(router) -> None:
    router.register("mal", MalViewSet, basename="mal")
    router.register("malindikatorer", MalindikatorViewSet, basename="malindikator")
    router.register("kontrollplaner", KontrollplanViewSet, basename="kontrollplan")
    router.register("forbattringsatgarder", ForbattringsatgardViewSet, basename="forbattringsatgard")
