"""Förändringar, uppföljningsärenden med kontakter och ej verkställda beslut i REST-API:t (läsning).

Samma urval som i webben (regeln i kvalitet.access); enskilda visas bara som id och varje svar med en
enskilds uppgifter loggas. En resurs registreras först när dess modell har en åtkomstregel, så att API:t
aldrig svarar 500 medan appen byggs ut.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from kvalitet import access
from kvalitet.api.base import ApiDatumfalt, HeltalFilter, LasViewSet, NodFilter
from kvalitet.api.sammanstallning import SammanstallningViewSet
from kvalitet.models import OrgNod
from uppfoljning import queries
from uppfoljning.models import (
    BeslutTyp,
    EjVerkstalltBeslut,
    Forandring,
    ForandringTyp,
    Kanal,
    Kontakt,
    MedVem,
    Uppfoljningsarende,
    Utfall,
)

# --- förändringar ------------------------------------------------------------------------------------


class ForandringSerializer(serializers.ModelSerializer):
    enheter = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Forandring
        fields = [
            "id",
            "nod",
            "rubrik",
            "typ",
            "insatstyp",
            "enheter",
            "giltig_fran",
            "giltig_till",
            "orsak",
            "beslutad_av",
            "riskanalys",
            "skapad",
        ]


class ForandringFilter(NodFilter):
    nodfalt = "nod"
    typ = filters.ChoiceFilter(choices=ForandringTyp.choices)
    insatstyp = HeltalFilter(field_name="insatstyp")
    fran = filters.DateFilter(field_name="giltig_fran", lookup_expr="gte", label="Gäller från, tidigast")
    till = filters.DateFilter(field_name="giltig_fran", lookup_expr="lte", label="Gäller från, senast")
    utan_riskanalys = filters.BooleanFilter(
        field_name="riskanalys", lookup_expr="isnull", label="Utan riskanalys"
    )

    class Meta:
        model = Forandring
        fields = ["typ", "insatstyp"]


class ForandringViewSet(LasViewSet):
    """Förändringar av insatser (minskad omfattning, digital form, ändrat innehåll, paus, stängning)."""

    model = Forandring
    serializer_class = ForandringSerializer
    filterset_class = ForandringFilter

    def get_queryset(self):
        return (
            access.scope(self.request.user, Forandring)
            .prefetch_related("enheter")
            .order_by("-giltig_fran", "-pk")
        )


# --- uppföljningsärenden och kontakter -----------------------------------------------------------------


class KontaktSerializer(serializers.ModelSerializer):
    vag = serializers.SerializerMethodField(
        help_text="direkt (den enskilde, närstående, företrädare) eller indirekt (via utföraren)"
    )

    class Meta:
        model = Kontakt
        fields = [
            "id",
            "arende",
            "datum",
            "kanal",
            "med_vem",
            "vag",
            "gjord_av",
            "vad_sades",
            "enskildes_syn",
            "delaktig",
            "rost_delaktig",
            "rost_behov",
            "rost_upplevelse",
            "citat",
            "citat_valt",
        ]

    def get_vag(self, obj) -> str:
        return "direkt" if obj.direkt else "indirekt"


class UppfoljningsarendeSerializer(serializers.ModelSerializer):
    kontakter = KontaktSerializer(many=True, read_only=True)
    saknas = serializers.SerializerMethodField(help_text="Det som fattas innan ärendet är komplett.")
    utan_kontakt_med_enskilde = serializers.BooleanField(
        read_only=True, help_text="Uppföljd utan kontakt med den enskilde (indirekt information)."
    )

    class Meta:
        model = Uppfoljningsarende
        fields = [
            "id",
            "forandring",
            "egen_typ",
            "eget_val_datum",
            "brukare",
            "insats",
            "namnd",
            "nod",
            "handlaggare",
            "skapad",
            "forsta_kontakt",
            "indirekt_kontakt",
            "behov",
            "behov_bedomt",
            "atgarder_behovs",
            "atgarder",
            "uppfoljning_planerad",
            "uppfoljning_gjord",
            "utfall",
            "fortsattning",
            "uppfoljd_utan_kontakt",
            "utan_kontakt_med_enskilde",
            "saknas",
            "kontakter",
        ]

    def get_saknas(self, obj) -> list[str]:
        return obj.saknas()


class UppfoljningsarendeFilter(NodFilter):
    nodfalt = "nod"
    forandring = HeltalFilter(field_name="forandring")
    brukare = HeltalFilter(field_name="brukare")
    handlaggare = HeltalFilter(field_name="handlaggare")
    utfall = filters.ChoiceFilter(choices=Utfall.choices)
    ej_kontaktade = filters.BooleanFilter(
        field_name="forsta_kontakt", lookup_expr="isnull", label="Ej kontaktade"
    )
    ej_uppfoljda = filters.BooleanFilter(
        field_name="uppfoljning_gjord", lookup_expr="isnull", label="Uppföljning inte gjord"
    )
    uppfoljd_utan_kontakt = filters.BooleanFilter(
        field_name="uppfoljd_utan_kontakt", label="Uppföljd på indirekt information"
    )
    fran = filters.DateFilter(field_name="skapad", lookup_expr="date__gte", label="Skapat från (datum)")
    till = filters.DateFilter(field_name="skapad", lookup_expr="date__lte", label="Skapat till (datum)")

    class Meta:
        model = Uppfoljningsarende
        fields = ["forandring", "brukare", "handlaggare", "utfall"]


class UppfoljningsarendeViewSet(LasViewSet):
    """Individuell uppföljning per berörd enskild: kontakt, behov, åtgärder, uppföljning och utfall."""

    model = Uppfoljningsarende
    serializer_class = UppfoljningsarendeSerializer
    filterset_class = UppfoljningsarendeFilter
    loggtext = "Uppföljningsärenden"

    def get_queryset(self):
        kontakter = access.scope(self.request.user, Kontakt).order_by("datum", "pk")
        return (
            access.scope(self.request.user, Uppfoljningsarende)
            .prefetch_related(Prefetch("kontakter", queryset=kontakter))
            .order_by("-skapad", "-pk")
        )


class KontaktFilter(filters.FilterSet):
    arende = HeltalFilter(field_name="arende")
    kanal = filters.ChoiceFilter(choices=Kanal.choices)
    med_vem = filters.ChoiceFilter(choices=MedVem.choices)
    citat_valt = filters.BooleanFilter(field_name="citat_valt", label="Citat valt till kvalitetsberättelsen")
    fran = filters.DateFilter(field_name="datum", lookup_expr="gte", label="Datum från")
    till = filters.DateFilter(field_name="datum", lookup_expr="lte", label="Datum till")

    class Meta:
        model = Kontakt
        fields = ["arende", "kanal"]


class KontaktViewSet(LasViewSet):
    """Kontakter i uppföljningsärendena (datum, kanal, med vem, vad som sades)."""

    model = Kontakt
    serializer_class = KontaktSerializer
    filterset_class = KontaktFilter
    loggtext = "Uppföljningskontakter"

    def get_queryset(self):
        return access.scope(self.request.user, Kontakt).select_related("arende").order_by("-datum", "-pk")

    def brukare_ids(self, objekt) -> list[int]:
        return sorted({k.arende.brukare_id for k in objekt})


# --- ej verkställda beslut -----------------------------------------------------------------------------


class EjVerkstalltBeslutSerializer(serializers.ModelSerializer):
    oppet = serializers.BooleanField(read_only=True)

    class Meta:
        model = EjVerkstalltBeslut
        fields = [
            "id",
            "insats",
            "typ",
            "fran",
            "brukare",
            "namnd",
            "lag",
            "orsak",
            "konsekvenser",
            "under_vantan",
            "erbjudanden",
            "verkstallt",
            "avslutat",
            "oppet",
        ]


class EjVerkstalltBeslutFilter(filters.FilterSet):
    namnd = HeltalFilter(field_name="namnd")
    brukare = HeltalFilter(field_name="brukare")
    typ = filters.ChoiceFilter(choices=BeslutTyp.choices)
    lag = filters.ChoiceFilter(choices=EjVerkstalltBeslut._meta.get_field("lag").choices)
    oppna = filters.BooleanFilter(
        method="filtrera_oppna", label="Bara öppna (varken verkställda eller avslutade)"
    )
    fran = filters.DateFilter(field_name="fran", lookup_expr="gte", label="Från, tidigast")
    till = filters.DateFilter(field_name="fran", lookup_expr="lte", label="Från, senast")

    class Meta:
        model = EjVerkstalltBeslut
        fields = ["namnd", "brukare", "typ", "lag"]

    def filtrera_oppna(self, qs, name, value):
        oppna = qs.filter(verkstallt__isnull=True, avslutat__isnull=True)
        return oppna if value else qs.exclude(pk__in=oppna.values("pk"))


class EjVerkstalltBeslutViewSet(LasViewSet):
    """Beslut som inte verkställts inom tre månader (och avbrott), med orsak och vad den enskilde får."""

    model = EjVerkstalltBeslut
    serializer_class = EjVerkstalltBeslutSerializer
    filterset_class = EjVerkstalltBeslutFilter
    loggtext = "Ej verkställda beslut"

    def get_queryset(self):
        return access.scope(self.request.user, EjVerkstalltBeslut).order_by("fran", "pk")


# --- täckning (bara antal) ----------------------------------------------------------------------------


class TackningFragaSerializer(serializers.Serializer):
    nod = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text="Organisationsnod (id), med allt under; standard: hela kommunen",
    )
    fran = ApiDatumfalt(required=False, help_text="Period från (ÅÅÅÅ-MM-DD)")
    till = ApiDatumfalt(required=False, help_text="Period till (ÅÅÅÅ-MM-DD)")

    def validate_nod(self, value):
        nod = OrgNod.objects.filter(pk=value).first()
        if nod is None:
            raise serializers.ValidationError("Noden finns inte.")
        return nod

    def validate(self, attrs):
        if attrs.get("fran") and attrs.get("till") and attrs["till"] < attrs["fran"]:
            raise serializers.ValidationError({"till": "Slutet av perioden kan inte ligga före början."})
        return attrs


class TackningSerializer(serializers.Serializer):
    nod = serializers.IntegerField(allow_null=True)
    forandringar = serializers.IntegerField()
    forandringar_utan_riskanalys = serializers.IntegerField()
    berorda = serializers.IntegerField()
    kontaktade = serializers.IntegerField(help_text="Direkt kontakt (den enskilde, närstående, företrädare)")
    bara_indirekt_kontakt = serializers.IntegerField(help_text="Kontakt bara via utföraren")
    behov_bedomda = serializers.IntegerField()
    atgarder_beslutade = serializers.IntegerField()
    uppfoljda = serializers.IntegerField()
    uppfoljda_utan_kontakt = serializers.IntegerField(help_text="Uppföljda utan kontakt med den enskilde")
    uppfoljda_med_kontakt = serializers.IntegerField()
    kompletta = serializers.IntegerField()


class TackningViewSet(SammanstallningViewSet):
    """Täckningen för förändrade insatser (berörda, kontaktade, behov bedömda, åtgärder, uppföljda):
    bara antal, så även ledningen får läsa den (`UPPFOLJNING_STATISTIK`)."""

    model = Uppfoljningsarende

    @extend_schema(parameters=[TackningFragaSerializer], responses={200: TackningSerializer})
    def list(self, request, format=None):
        fraga = TackningFragaSerializer(data=request.query_params)
        fraga.is_valid(raise_exception=True)
        d = fraga.validated_data
        nod = d.get("nod") or OrgNod.objects.filter(forelder__isnull=True).order_by("pk").first()
        if nod is None:
            siffror = dict.fromkeys(TackningSerializer().fields, 0)
        else:
            siffror = queries.tackning(request.user, nod, d.get("fran"), d.get("till"))
        siffror["nod"] = nod.pk if nod else None
        return Response(TackningSerializer(siffror).data)


RESURSER = [
    ("forandringar", ForandringViewSet, "forandring"),
    ("uppfoljningsarenden", UppfoljningsarendeViewSet, "uppfoljningsarende"),
    ("uppfoljningskontakter", KontaktViewSet, "uppfoljningskontakt"),
    ("ej-verkstallda-beslut", EjVerkstalltBeslutViewSet, "ejverkstalltbeslut"),
    ("uppfoljning-tackning", TackningViewSet, "uppfoljning-tackning"),
]


def registrera(router) -> None:
    for prefix, viewset, basename in RESURSER:
        if viewset.model._meta.label_lower in access.REGLER:
            router.register(prefix, viewset, basename=basename)
