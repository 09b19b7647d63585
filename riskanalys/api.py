"""Riskanalyser med risker och åtgärder i REST-API:t (läsning), samma urval som i webben.

Chefer och kvalitetssamordnare läser analyser på och under sina noder; den som ansvarar för en åtgärd
läser analysen den hör till men bara sina egna åtgärder. Berörda enskilda visas som id, bara de användaren
själv får se, och åtkomsten loggas. Mallarna saknar personuppgifter.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from kvalitet import access
from kvalitet.api.base import HeltalFilter, LasViewSet, NodFilter
from kvalitet.api.sammanstallning import SammanstallningViewSet
from kvalitet.models import Brukare, OrgNod
from riskanalys import queries
from riskanalys.models import AnalysStatus, Atgard, AtgardStatus, Mall, MallRisk, Risk, Riskanalys


def _niva(varde) -> str | None:
    from kvalitet import riskmatris

    niva = riskmatris.niva(varde)
    return niva.kod if niva else None


class RiskanalysAtgardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Atgard
        fields = ["id", "risk", "text", "ansvarig", "klar_senast", "uppfoljning", "status", "resultat"]


class RiskSerializer(serializers.ModelSerializer):
    riskvarde = serializers.IntegerField(read_only=True, allow_null=True)
    riskniva = serializers.SerializerMethodField()
    riskvarde_efter = serializers.IntegerField(read_only=True, allow_null=True)
    riskniva_efter = serializers.SerializerMethodField()
    atgarder = RiskanalysAtgardSerializer(many=True, read_only=True)

    class Meta:
        model = Risk
        fields = [
            "id",
            "beskrivning",
            "orsak",
            "konsekvens",
            "sannolikhet",
            "riskvarde",
            "riskniva",
            "konsekvens_efter",
            "sannolikhet_efter",
            "riskvarde_efter",
            "riskniva_efter",
            "atgarder",
        ]

    def get_riskniva(self, obj) -> str | None:
        return _niva(obj.riskvarde)

    def get_riskniva_efter(self, obj) -> str | None:
        return _niva(obj.riskvarde_efter)


class RiskanalysSerializer(serializers.ModelSerializer):
    risker = RiskSerializer(many=True, read_only=True)
    brukare = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Riskanalys
        fields = [
            "id",
            "nod",
            "titel",
            "forandring",
            "deltagare",
            "datum",
            "uppfoljning_senast",
            "status",
            "faststalld",
            "utvardering",
            "kvarstar",
            "uppfoljd",
            "version",
            "foregaende",
            "aktuell",
            "mall",
            "brukare",
            "risker",
        ]


class RiskanalysFilter(NodFilter):
    nodfalt = "nod"
    status = filters.ChoiceFilter(choices=AnalysStatus.choices)
    aktuell = filters.BooleanFilter()
    fran = filters.DateFilter(field_name="datum", lookup_expr="gte", label="Datum från")
    till = filters.DateFilter(field_name="datum", lookup_expr="lte", label="Datum till")

    class Meta:
        model = Riskanalys
        fields = ["status", "aktuell"]


class RiskanalysViewSet(LasViewSet):
    """Riskanalyser med risker (konsekvens × sannolikhet, före och efter åtgärder) och åtgärder."""

    model = Riskanalys
    serializer_class = RiskanalysSerializer
    filterset_class = RiskanalysFilter
    loggtext = "Riskanalyser"

    def get_queryset(self):
        user = self.request.user
        atgarder = access.scope(user, Atgard).order_by("pk")
        return (
            access.scope(user, Riskanalys)
            .prefetch_related(
                Prefetch("risker", queryset=Risk.objects.order_by("pk")),
                Prefetch("risker__atgarder", queryset=atgarder),
                Prefetch("brukare", queryset=access.scope(user, Brukare).order_by("pk")),
            )
            .order_by("-datum", "-pk")
        )

    def brukare_ids(self, objekt) -> list[int]:
        return sorted({b.pk for analys in objekt for b in analys.brukare.all()})


class AtgardFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=AtgardStatus.choices)
    analys = HeltalFilter(field_name="risk__analys")
    ansvarig = HeltalFilter(field_name="ansvarig")
    klar_senast_till = filters.DateFilter(
        field_name="klar_senast", lookup_expr="lte", label="Klar senast, till"
    )

    class Meta:
        model = Atgard
        fields = ["status", "analys", "ansvarig"]


class AtgardViewSet(LasViewSet):
    """Åtgärder i riskanalyser: chefernas och samordnarnas, och de egna för den som är ansvarig."""

    model = Atgard
    serializer_class = RiskanalysAtgardSerializer
    filterset_class = AtgardFilter

    def get_queryset(self):
        return access.scope(self.request.user, Atgard).order_by("pk")


class MallRiskSerializer(serializers.ModelSerializer):
    class Meta:
        model = MallRisk
        fields = ["id", "beskrivning", "orsak", "konsekvens", "sannolikhet", "atgarder"]


class MallSerializer(serializers.ModelSerializer):
    risker = MallRiskSerializer(many=True, read_only=True)

    class Meta:
        model = Mall
        fields = ["id", "titel", "beskrivning", "nod", "antal_anvandningar", "risker"]


class MallViewSet(LasViewSet):
    """Mallar för riskanalyser (inga personuppgifter), för chefer och kvalitetssamordnare."""

    model = Mall
    serializer_class = MallSerializer

    def get_queryset(self):
        return access.scope(self.request.user, Mall).prefetch_related("risker").order_by("titel", "pk")


class StatistikFragaSerializer(serializers.Serializer):
    ar = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="År (standard: i år)"
    )
    nod = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Organisationsnod (id), med allt under; standard: hela kommunen",
    )

    def validate_nod(self, value):
        nod = OrgNod.objects.filter(pk=value).first()
        if nod is None:
            raise serializers.ValidationError("Noden finns inte.")
        return nod


class PerNivaSerializer(serializers.Serializer):
    enhet = serializers.IntegerField()
    verksamhetsomrade = serializers.IntegerField()
    namnd = serializers.IntegerField()


class StatistikSerializer(serializers.Serializer):
    ar = serializers.IntegerField()
    nod = serializers.IntegerField(allow_null=True)
    antal = serializers.IntegerField()
    per_niva = PerNivaSerializer()
    faststallda = serializers.IntegerField()
    uppfoljda = serializers.IntegerField()


class StatistikViewSet(SammanstallningViewSet):
    """Antal riskanalyser ett år (per nivå, fastställda, uppföljda), utan personuppgifter; även för
    ledningen (`RISKANALYS_STATISTIK`)."""

    @extend_schema(parameters=[StatistikFragaSerializer], responses={200: StatistikSerializer})
    def list(self, request, format=None):
        fraga = StatistikFragaSerializer(data=request.query_params)
        fraga.is_valid(raise_exception=True)
        ar = fraga.validated_data.get("ar") or timezone.localdate().year
        nod = (
            fraga.validated_data.get("nod")
            or OrgNod.objects.filter(forelder__isnull=True).order_by("pk").first()
        )
        if nod is None:
            siffror = {"antal": 0, "per_niva": {"enhet": 0, "verksamhetsomrade": 0, "namnd": 0}}
            siffror.update(faststallda=0, uppfoljda=0)
        else:
            siffror = queries.arssammanstallning(request.user, nod, ar)
        data = {"ar": ar, "nod": nod.pk if nod else None, **siffror}
        return Response(StatistikSerializer(data).data)


def registrera(router) -> None:
    router.register("riskanalyser", RiskanalysViewSet, basename="riskanalys")
    router.register("riskanalys-atgarder", AtgardViewSet, basename="riskanalys-atgard")
    router.register("riskanalysmallar", MallViewSet, basename="riskanalysmall")
    router.register("riskanalys-statistik", StatistikViewSet, basename="riskanalys-statistik")
