"""Lex Sarah i REST-API:t (läsning), begränsat som i webben.

Innehållet (utredning, bedömning, åtgärder) läses bara av chefer och kvalitetssamordnare för sina noder
(`LEXSARAH_INNEHALL`); den som rapporterat ser bara status på sina egna (`lexsarah/mina/`). Rapportörens
identitet lämnas aldrig ut via API:t (utredarna ser den i webben). Ledningen får registret och antalen
(`lexsarah-register/`, inga personuppgifter), admin ingenting.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from kvalitet import access
from kvalitet.api.base import HeltalFilter, LasViewSet, NodFilter
from kvalitet.api.sammanstallning import SammanstallningViewSet
from kvalitet.models import OrgNod
from lexsarah import queries
from lexsarah.models import Atgard, AtgardTyp, Beslut, Rapport, Status


class LexSarahAtgardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Atgard
        fields = ["id", "rapport", "typ", "text", "ansvarig", "klar_senast", "uppfoljd", "resultat"]


class RapportSerializer(serializers.ModelSerializer):
    riskvarde = serializers.IntegerField(read_only=True, allow_null=True)
    riskniva = serializers.SerializerMethodField()
    atgarder = LexSarahAtgardSerializer(many=True, read_only=True)
    ovriga_brukare = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Övriga berörda enskilda (id), utöver `brukare`."
    )

    class Meta:
        model = Rapport
        fields = [
            "id",
            "referensnummer",
            "enhet",
            "avvikelse",
            "brukare",
            "ovriga_brukare",
            "rapportor_chef",
            "rapporterad",
            "handelsetid",
            "upptackt",
            "sammanfattning",
            "beskrivning",
            "atgard_direkt",
            "status",
            "bedomning_senast",
            "forlopp",
            "konsekvenser",
            "orsaker",
            "konsekvens",
            "sannolikhet",
            "riskvarde",
            "riskniva",
            "beslut",
            "allvarligt",
            "motivering",
            "beslutad",
            "ivo_skickad",
            "ivo_diarienummer",
            "ivo_beslut_datum",
            "avslutad",
            "atgarder",
        ]

    def get_riskniva(self, obj) -> str | None:
        niva = obj.riskniva
        return niva.kod if niva else None


class MinRapportSerializer(serializers.ModelSerializer):
    """Det rapportören ser av sina egna rapporter: referensnummer och status, inte utredningen."""

    class Meta:
        model = Rapport
        fields = ["id", "referensnummer", "status", "rapporterad"]


class RapportFilter(NodFilter):
    status = filters.ChoiceFilter(choices=Status.choices)
    beslut = filters.ChoiceFilter(choices=Beslut.choices)
    brukare = HeltalFilter(
        method="filtrera_brukare", label="Enskild (id): den som främst berörs eller en av de övriga"
    )
    fran = filters.DateFilter(
        field_name="rapporterad", lookup_expr="date__gte", label="Rapporterad från (datum)"
    )
    till = filters.DateFilter(
        field_name="rapporterad", lookup_expr="date__lte", label="Rapporterad till (datum)"
    )

    class Meta:
        model = Rapport
        fields = ["status", "beslut", "brukare"]

    def filtrera_brukare(self, qs, name, value):
        return qs.filter(Q(brukare=value) | Q(ovriga_brukare=value)).distinct()


class RapportViewSet(LasViewSet):
    """Lex Sarah-rapporter med utredning och bedömning: chefer för sina enheter, kvalitetssamordnare nämnden."""

    model = Rapport
    serializer_class = RapportSerializer
    filterset_class = RapportFilter
    loggtext = "Lex Sarah"

    def get_queryset(self):
        qs = access.scope(self.request.user, Rapport, access.LEXSARAH_INNEHALL)
        return qs.prefetch_related("atgarder", "ovriga_brukare").order_by("-rapporterad", "-pk")

    def brukare_ids(self, objekt) -> list[int]:
        # Varje enskild i svaret loggas, även de övriga berörda (förhämtade, ingen extra fråga).
        return super().brukare_ids(objekt) + [b.pk for o in objekt for b in o.ovriga_brukare.all()]

    @extend_schema(filters=False, responses={200: MinRapportSerializer(many=True)})
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def mina(self, request, format=None):
        """Rapporter användaren själv skrivit, med status (som "Mina rapporter" i webben)."""
        return Response(MinRapportSerializer(queries.mina_rapporter(request.user)[:500], many=True).data)


class AtgardFilter(filters.FilterSet):
    rapport = HeltalFilter(field_name="rapport")
    typ = filters.ChoiceFilter(choices=AtgardTyp.choices)
    ej_uppfoljda = filters.BooleanFilter(field_name="uppfoljd", lookup_expr="isnull", label="Ej uppföljda")

    class Meta:
        model = Atgard
        fields = ["rapport", "typ"]


class AtgardViewSet(LasViewSet):
    """Åtgärder i lex Sarah-ärenden (uppföljning), samma urval som rapporterna."""

    model = Atgard
    serializer_class = LexSarahAtgardSerializer
    filterset_class = AtgardFilter

    def get_queryset(self):
        return access.scope(self.request.user, Atgard, access.LEXSARAH_INNEHALL).order_by("pk")


class RegisterFragaSerializer(serializers.Serializer):
    ar = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="År (standard: i år)"
    )
    nod = serializers.IntegerField(
        required=False, min_value=1, help_text="Organisationsnod (id), med allt under"
    )

    def validate_nod(self, value):
        nod = OrgNod.objects.filter(pk=value).first()
        if nod is None:
            raise serializers.ValidationError("Noden finns inte.")
        return nod


class RegisterradSerializer(serializers.Serializer):
    referensnummer = serializers.CharField()
    verksamhet = serializers.CharField()
    handelse = serializers.CharField()
    bedomning = serializers.CharField()
    allvarligt = serializers.BooleanField(allow_null=True)
    anmald_ivo = serializers.BooleanField()


class RegisterSerializer(serializers.Serializer):
    ar = serializers.IntegerField()
    antal = serializers.IntegerField()
    fran_personal = serializers.IntegerField()
    fran_chef = serializers.IntegerField()
    anmalda_ivo = serializers.IntegerField()
    dagar_till_bedomning = serializers.FloatField(allow_null=True)
    rader = RegisterradSerializer(many=True)


class RegisterViewSet(SammanstallningViewSet):
    """Årets lex Sarah-register och antal, utan personuppgifter (som i kvalitetsberättelsen); även för
    ledningen. Samma urval som registret i webben (`LEXSARAH_STATISTIK`)."""

    @extend_schema(parameters=[RegisterFragaSerializer], responses={200: RegisterSerializer})
    def list(self, request, format=None):
        fraga = RegisterFragaSerializer(data=request.query_params)
        fraga.is_valid(raise_exception=True)
        ar = fraga.validated_data.get("ar") or timezone.localdate().year
        nod = fraga.validated_data.get("nod")
        siffror = queries.statistik(request.user, nod, ar)
        data = {
            "ar": ar,
            "antal": siffror["antal"],
            "fran_personal": siffror["fran_personal"],
            "fran_chef": siffror["fran_chef"],
            "anmalda_ivo": siffror["anmalda_ivo"],
            "dagar_till_bedomning": siffror["dagar_till_bedomning"],
            "rader": queries.register(request.user, nod, ar),
        }
        return Response(RegisterSerializer(data).data)


def registrera(router) -> None:
    router.register("lexsarah", RapportViewSet, basename="lexsarah")
    router.register("lexsarah-atgarder", AtgardViewSet, basename="lexsarah-atgard")
    router.register("lexsarah-register", RegisterViewSet, basename="lexsarah-register")
