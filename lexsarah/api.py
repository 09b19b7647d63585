"""Lex Sarah i REST-API:t (läsning), begränsat som i webben.

Innehållet (utredning, bedömning, åtgärder) läses bara av chefer och kvalitetssamordnare för sina noder
(`LEXSARAH_INNEHALL`); den som rapporterat ser inte innehållet här. Rapportörens identitet lämnas aldrig ut
via API:t (utredarna ser den i webben). Ledning och admin får inga rader.
"""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import serializers

from kvalitet import access
from kvalitet.api.base import HeltalFilter, LasViewSet, NodFilter
from lexsarah.models import Atgard, AtgardTyp, Beslut, Rapport, Status


class AtgardSerializer(serializers.ModelSerializer):
    class Meta:
        model = Atgard
        fields = ["id", "rapport", "typ", "text", "ansvarig", "klar_senast", "uppfoljd", "resultat"]


class RapportSerializer(serializers.ModelSerializer):
    riskvarde = serializers.IntegerField(read_only=True, allow_null=True)
    riskniva = serializers.SerializerMethodField()
    atgarder = AtgardSerializer(many=True, read_only=True)

    class Meta:
        model = Rapport
        fields = [
            "id",
            "referensnummer",
            "enhet",
            "avvikelse",
            "brukare",
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


class RapportFilter(NodFilter):
    status = filters.ChoiceFilter(choices=Status.choices)
    beslut = filters.ChoiceFilter(choices=Beslut.choices)
    brukare = HeltalFilter(field_name="brukare")
    fran = filters.DateFilter(field_name="rapporterad", lookup_expr="date__gte", label="Rapporterad från (datum)")
    till = filters.DateFilter(field_name="rapporterad", lookup_expr="date__lte", label="Rapporterad till (datum)")

    class Meta:
        model = Rapport
        fields = ["status", "beslut", "brukare"]


class RapportViewSet(LasViewSet):
    """Lex Sarah-rapporter med utredning och bedömning: chefer för sina enheter, kvalitetssamordnare nämnden."""

    model = Rapport
    serializer_class = RapportSerializer
    filterset_class = RapportFilter
    loggtext = "Lex Sarah"

    def get_queryset(self):
        qs = access.scope(self.request.user, Rapport, access.LEXSARAH_INNEHALL)
        return qs.prefetch_related("atgarder").order_by("-rapporterad", "-pk")


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
    serializer_class = AtgardSerializer
    filterset_class = AtgardFilter

    def get_queryset(self):
        return access.scope(self.request.user, Atgard, access.LEXSARAH_INNEHALL).order_by("pk")


def registrera(router) -> None:
    router.register("lexsarah", RapportViewSet, basename="lexsarah")
    router.register("lexsarah-atgarder", AtgardViewSet, basename="lexsarah-atgard")
