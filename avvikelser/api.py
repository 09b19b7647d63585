"""Avvikelser och klagomål i REST-API:t (läsning; rapportering sker i webben och i den öppna e-tjänsten)."""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import serializers

from avvikelser.models import Avvikelse, AvvikelseStatus, Kategori, Klagomal, KlagomalStatus, KlagomalTyp
from kvalitet.api.base import HeltalFilter, LasViewSet, NodFilter


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
            "inkommet",
            "via_e_tjanst",
            "status",
            "aterkoppling_datum",
            "aterkoppling_hur",
            "avslutat",
        ]


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


class AvvikelseViewSet(LasViewSet):
    """Avvikelser: chefer ser sina enheters, kvalitetssamordnare nämndens, personal bara sina egna."""

    model = Avvikelse
    serializer_class = AvvikelseSerializer
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


class KlagomalViewSet(LasViewSet):
    model = Klagomal
    serializer_class = KlagomalSerializer
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
