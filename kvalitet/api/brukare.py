"""Organisation, brukare och insatser i API:t. Skrivningar valideras av samma formulär som webben."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kvalitet import access, services
from kvalitet.api.base import (
    VERSION_HJALP,
    ApiDatumfalt,
    HeltalFilter,
    Krockfel,
    LasSkrivViewSet,
    LasViewSet,
    nod_och_under,
)
from kvalitet.forms import BrukareForm, InsatsForm, MotiveringForm, OverlamnaForm
from kvalitet.models import Brukare, Insats, Insatstyp, OrgNod
from kvalitet.samtidighet import Krock

# --- läsning -----------------------------------------------------------------------------------------


class OrgNodSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgNod
        fields = ["id", "typ", "namn", "kod", "forelder", "antal_platser", "aktiv"]


class InsatstypSerializer(serializers.ModelSerializer):
    class Meta:
        model = Insatstyp
        fields = ["id", "namn", "lag", "verksamhet", "aktiv"]


class BrukareSerializer(serializers.ModelSerializer):
    """Namn och personnummer bara för den som får se identiteten (skyddad identitet)."""

    namn = serializers.SerializerMethodField()
    personnummer = serializers.SerializerMethodField()

    class Meta:
        model = Brukare
        fields = [
            "id",
            "namn",
            "personnummer",
            "skyddad_identitet",
            "namnd",
            "handlaggare",
            "externt_id",
            "version",
        ]

    def get_namn(self, obj) -> str:
        return access.brukare_visningsnamn(self.context["request"].user, obj)

    def get_personnummer(self, obj) -> str:
        return access.brukare_visningsnummer(self.context["request"].user, obj)


class InsatsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Insats
        fields = [
            "id",
            "brukare",
            "lag",
            "typ",
            "enhet",
            "beslutsdatum",
            "startdatum",
            "slutdatum",
            "externt_id",
            "version",
        ]


# --- skrivning: formulären avgör (samma regler, samma svenska meddelanden) ------------------------------


class FormSerializer(serializers.Serializer):
    """Låter ett Django-formulär validera; fälten här beskriver bara schemat (tomma strängar släpps
    igenom, så att formulärets svenska meddelanden avgör)."""

    form_class = None

    def form_data(self, attrs: dict) -> dict:
        """Formulärets data: instansens nuvarande värden (vid PATCH) plus det som skickats."""
        data = dict(self.nuvarande()) if self.instance is not None else {}
        data.update({k: v for k, v in attrs.items() if k in self.form_class.base_fields})
        return {k: ("" if v is None else v) for k, v in data.items()}

    def nuvarande(self) -> dict:
        return {}

    def form_kwargs(self) -> dict:
        return {}

    def validate(self, attrs):
        form = self.form_class(data=self.form_data(attrs), instance=self.instance, **self.form_kwargs())
        if not form.is_valid():
            raise serializers.ValidationError(
                {("non_field_errors" if k == "__all__" else k): v for k, v in form.errors.items()}
            )
        self.form = form
        return attrs


def _relations_id(instance, namn: str):
    """Fältets värde i en skriv-serializers representation: id för relationer (som i skrivningen)."""
    falt = instance._meta.get_field(namn)
    return getattr(instance, falt.attname)


class ModellRepresentation:
    """Skriv-serializerns representation av en befintlig post: samma fält som skrivningen tar, relationer
    som id. Webbläsarvyn (BrowsableAPIRenderer) fyller sina PUT-formulär med den; utan den blev
    relationsfälten (IntegerField mot ett objekt) ett 500-svar."""

    def to_representation(self, instance):
        data = {}
        for namn, falt in self.fields.items():
            if falt.write_only:
                continue
            varde = _relations_id(instance, namn)
            data[namn] = None if varde is None else falt.to_representation(varde)
        return data


SKYDDAD_IDENTITET_ANDRAS_INTE = (
    "Namn och personnummer för en brukare med skyddad identitet ändras bara av ärendets handläggare."
)
SKYDDAD_OVERLAMNAS_MED_ATGARD = (
    "En brukare med skyddad identitet byter handläggare bara genom åtgärden "
    "POST /api/v1/brukare/{id}/overlamna/ (med motivering)."
)
SKYDDAD_HAVS_MED_ATGARD = (
    "Skyddad identitet hävs bara genom åtgärden POST /api/v1/brukare/{id}/hav-skydd/ (med motivering)."
)


class BrukareSkrivSerializer(ModellRepresentation, FormSerializer):
    form_class = BrukareForm

    personnummer = serializers.CharField(max_length=13, allow_blank=True, help_text="ÅÅÅÅMMDD-NNNN")
    fornamn = serializers.CharField(max_length=100, allow_blank=True)
    efternamn = serializers.CharField(max_length=100, allow_blank=True)
    skyddad_identitet = serializers.BooleanField(required=False, default=False)
    namnd = serializers.IntegerField()
    handlaggare = serializers.IntegerField(required=False, allow_null=True)
    externt_id = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, min_value=0, help_text=VERSION_HJALP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self._dold_identitet():
            # Den som inte ser identiteten skickar den inte heller (PUT utan namn och nummer går bra).
            for namn in access.IDENTITETSFALT:
                self.fields[namn].required = False

    def _dold_identitet(self) -> bool:
        b = self.instance
        return isinstance(b, Brukare) and not access.visa_identitet(self.context["request"].user, b)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not access.visa_identitet(self.context["request"].user, instance):
            for namn in access.IDENTITETSFALT:
                data.pop(namn, None)
        else:
            data["personnummer"] = instance.personnummer_visning
        return data

    def nuvarande(self):
        b = self.instance
        data = {
            "personnummer": b.personnummer,
            "fornamn": b.fornamn,
            "efternamn": b.efternamn,
            "skyddad_identitet": b.skyddad_identitet,
            "namnd": b.namnd_id,
            "handlaggare": b.handlaggare_id,
        }
        if self._dold_identitet():
            for namn in access.IDENTITETSFALT:
                del data[namn]
        return data

    def form_kwargs(self):
        return {"user": self.context["request"].user}

    def _prova_skyddet(self, attrs) -> None:
        """Vid skyddad identitet: identiteten ändras bara av handläggaren, och varken handläggarbyte eller
        hävt skydd sker som en bieffekt av PUT/PATCH (403 med svenskt meddelande, inget eko av uppgifterna)."""
        b = self.instance
        if b is None or not b.skyddad_identitet:
            return
        if self._dold_identitet() and any(namn in attrs for namn in access.IDENTITETSFALT):
            raise PermissionDenied(SKYDDAD_IDENTITET_ANDRAS_INTE)
        if "handlaggare" in attrs and attrs["handlaggare"] != b.handlaggare_id:
            raise PermissionDenied(SKYDDAD_OVERLAMNAS_MED_ATGARD)
        if "skyddad_identitet" in attrs and not attrs["skyddad_identitet"]:
            raise PermissionDenied(SKYDDAD_HAVS_MED_ATGARD)

    def validate_externt_id(self, value):
        if value:
            annan = Brukare.objects.filter(externt_id=value)
            if self.instance is not None:
                annan = annan.exclude(pk=self.instance.pk)
            annan = annan.first()
            if annan is not None:
                if access.identitet_synlig(self.context["request"].user, annan):
                    raise serializers.ValidationError("Det finns redan en brukare med det id:t.")
                raise serializers.ValidationError(services.BRUKARE_KAN_INTE_SPARAS)
        return value

    def validate(self, attrs):
        self._prova_skyddet(attrs)
        return super().validate(attrs)

    def save(self, **kwargs):
        brukare = self.form.save(commit=False)
        if "externt_id" in self.validated_data:
            brukare.externt_id = self.validated_data["externt_id"] or None
        try:
            return services.brukare_spara(
                brukare=brukare, av=self.context["request"].user, version=self.validated_data.get("version")
            )
        except Krock as krock:
            raise Krockfel(krock) from None
        except DjangoValidationError as fel:
            raise serializers.ValidationError({"non_field_errors": fel.messages}) from None


class OverlamnaSerializer(serializers.Serializer):
    handlaggare = serializers.IntegerField(help_text="Den nya handläggarens användar-id")
    motivering = serializers.CharField(max_length=100, allow_blank=True)
    version = serializers.IntegerField(min_value=0, help_text=VERSION_HJALP)


class HavSkyddSerializer(serializers.Serializer):
    motivering = serializers.CharField(max_length=100, allow_blank=True)
    version = serializers.IntegerField(min_value=0, help_text=VERSION_HJALP)


class InsatsSkrivSerializer(ModellRepresentation, FormSerializer):
    form_class = InsatsForm

    brukare = serializers.IntegerField()
    typ = serializers.IntegerField()
    enhet = serializers.IntegerField(required=False, allow_null=True)
    beslutsdatum = ApiDatumfalt()
    startdatum = ApiDatumfalt(required=False, allow_null=True)
    slutdatum = ApiDatumfalt(required=False, allow_null=True)
    externt_id = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)
    version = serializers.IntegerField(required=False, allow_null=True, min_value=0, help_text=VERSION_HJALP)

    def nuvarande(self):
        i = self.instance
        return {
            "typ": i.typ_id,
            "enhet": i.enhet_id,
            "beslutsdatum": i.beslutsdatum,
            "startdatum": i.startdatum,
            "slutdatum": i.slutdatum,
        }

    def validate_brukare(self, value):
        user = self.context["request"].user
        brukare = access.scope(user, Brukare, access.ANDRA).filter(pk=value).first()
        if brukare is None:
            raise serializers.ValidationError("Välj en brukare vars ärende du får ändra.")
        return brukare

    def validate(self, attrs):
        if (
            self.instance is not None
            and "brukare" in attrs
            and attrs["brukare"].pk != self.instance.brukare_id
        ):
            raise serializers.ValidationError(
                {"brukare": "En insats kan inte flyttas till en annan brukare."}
            )
        return super().validate(attrs)

    def save(self, **kwargs):
        insats = self.form.save(commit=False)
        if self.instance is None:
            insats.brukare = self.validated_data["brukare"]
        if "externt_id" in self.validated_data:
            insats.externt_id = self.validated_data["externt_id"] or None
        try:
            return services.insats_spara(
                insats=insats, av=self.context["request"].user, version=self.validated_data.get("version")
            )
        except Krock as krock:
            raise Krockfel(krock) from None


# --- vyer --------------------------------------------------------------------------------------------


class OrgNodFilter(filters.FilterSet):
    typ = filters.ChoiceFilter(choices=OrgNod._meta.get_field("typ").choices)
    forelder = HeltalFilter()
    aktiv = filters.BooleanFilter()

    class Meta:
        model = OrgNod
        fields = ["typ", "forelder", "aktiv"]


class OrgNodViewSet(LasViewSet):
    """Organisationsträdet (inga personuppgifter)."""

    model = OrgNod
    serializer_class = OrgNodSerializer
    filterset_class = OrgNodFilter

    def get_queryset(self):
        return super().get_queryset().order_by("sokvag")


class InsatstypViewSet(LasViewSet):
    model = Insatstyp
    serializer_class = InsatstypSerializer


class BrukareFilter(filters.FilterSet):
    namnd = HeltalFilter(field_name="namnd")
    externt_id = filters.CharFilter(field_name="externt_id")
    handlaggare = HeltalFilter(field_name="handlaggare")
    enhet = HeltalFilter(method="filtrera_enhet", label="Har insats vid enheten (eller under noden)")

    class Meta:
        model = Brukare
        fields = ["namnd", "externt_id", "handlaggare"]

    def filtrera_enhet(self, qs, name, value):
        insatser = nod_och_under(Insats.objects.all(), "enhet", int(value))
        return qs.filter(pk__in=insatser.values("brukare_id"))


class SkrivMixin:
    """POST/PUT/PATCH valideras av skriv-serializern; svaret är läsvyn."""

    skriv_serializer_class = None

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.skriv_serializer_class
        return self.serializer_class

    def _svara(self, obj, kod):
        self._visade = [obj]
        return Response(self.serializer_class(obj, context=self.get_serializer_context()).data, status=kod)

    def create(self, request, *args, **kwargs):
        s = self.get_serializer(data=request.data)
        s.is_valid(raise_exception=True)
        return self._svara(s.save(), status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        s = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.pop("partial", False))
        s.is_valid(raise_exception=True)
        return self._svara(s.save(), status.HTTP_200_OK)


@extend_schema_view(
    create=extend_schema(request=BrukareSkrivSerializer, responses={201: BrukareSerializer}),
    update=extend_schema(request=BrukareSkrivSerializer, responses={200: BrukareSerializer}),
    partial_update=extend_schema(request=BrukareSkrivSerializer, responses={200: BrukareSerializer}),
)
class BrukareViewSet(SkrivMixin, LasSkrivViewSet):
    """Brukare som användaren får se; handläggare och kvalitetssamordnare kan skapa och ändra i sin nämnd."""

    model = Brukare
    serializer_class = BrukareSerializer
    skriv_serializer_class = BrukareSkrivSerializer
    filterset_class = BrukareFilter
    loggtext = "Brukare"
    far_inte_skapa = "Brukare skapas av handläggare och kvalitetssamordnare i sina nämnder."

    @staticmethod
    def far_skapa(user) -> bool:
        # Som i webben (brukare_ny): handläggare och kvalitetssamordnare, i sina nämnder.
        return access.har_roll(user, access.HANDLAGGARE, access.KVALITETSSAMORDNARE)

    def brukare_ids(self, objekt):
        return [o.pk for o in objekt]

    def get_queryset(self):
        return super().get_queryset().order_by("pk")

    def _formfel(self, form):
        return serializers.ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in form.errors.items()}
        )

    @extend_schema(request=OverlamnaSerializer, responses={200: BrukareSerializer})
    @action(detail=True, methods=["post"], url_path="overlamna")
    def overlamna(self, request, pk=None):
        """Lämna över en brukare med skyddad identitet till en annan handläggare i nämnden (med motivering).
        Ärendets handläggare får det, och nämndens kvalitetssamordnare när ärendet saknar aktiv handläggare."""
        brukare = self.get_object()
        if not access.far_overlamna(request.user, brukare):
            raise PermissionDenied("Du får inte lämna över det här ärendet.")
        form = OverlamnaForm(data=request.data, brukare=brukare, user=request.user)
        if not form.is_valid():
            raise self._formfel(form)
        try:
            brukare = services.brukare_overlamna(
                brukare=brukare,
                till=form.cleaned_data["handlaggare"],
                motivering=form.cleaned_data["motivering"],
                av=request.user,
                version=form.cleaned_data["version"],
            )
        except Krock as krock:
            raise Krockfel(krock) from None
        return self._svara(brukare, status.HTTP_200_OK)

    @extend_schema(request=HavSkyddSerializer, responses={200: BrukareSerializer})
    @action(detail=True, methods=["post"], url_path="hav-skydd")
    def hav_skydd(self, request, pk=None):
        """Häv skyddad identitet (med motivering): ärendets handläggare eller nämndens kvalitetssamordnare."""
        brukare = self.get_object()
        if not access.far_hava_skydd(request.user, brukare):
            raise PermissionDenied("Du får inte häva skyddet för den här brukaren.")
        form = MotiveringForm(data=request.data)
        if not form.is_valid():
            raise self._formfel(form)
        try:
            brukare = services.brukare_hav_skydd(
                brukare=brukare,
                motivering=form.cleaned_data["motivering"],
                av=request.user,
                version=form.cleaned_data["version"],
            )
        except Krock as krock:
            raise Krockfel(krock) from None
        return self._svara(brukare, status.HTTP_200_OK)


class InsatsFilter(filters.FilterSet):
    brukare = HeltalFilter(field_name="brukare")
    typ = HeltalFilter(field_name="typ")
    lag = filters.ChoiceFilter(field_name="lag", choices=Insats._meta.get_field("lag").choices)
    nod = HeltalFilter(method="filtrera_nod", label="Utförande enhet eller nod ovanför")
    fran = filters.DateFilter(method="filtrera_fran", label="Pågående eller beslutad från (datum)")
    till = filters.DateFilter(field_name="beslutsdatum", lookup_expr="lte", label="Beslutad senast")
    externt_id = filters.CharFilter(field_name="externt_id")

    class Meta:
        model = Insats
        fields = ["brukare", "typ", "lag", "externt_id"]

    def filtrera_nod(self, qs, name, value):
        return nod_och_under(qs, "enhet", int(value))

    def filtrera_fran(self, qs, name, value):
        return qs.filter(Q(slutdatum__isnull=True) | Q(slutdatum__gte=value))


@extend_schema_view(
    create=extend_schema(request=InsatsSkrivSerializer, responses={201: InsatsSerializer}),
    update=extend_schema(request=InsatsSkrivSerializer, responses={200: InsatsSerializer}),
    partial_update=extend_schema(request=InsatsSkrivSerializer, responses={200: InsatsSerializer}),
)
class InsatsViewSet(SkrivMixin, LasSkrivViewSet):
    model = Insats
    serializer_class = InsatsSerializer
    skriv_serializer_class = InsatsSkrivSerializer
    filterset_class = InsatsFilter
    loggtext = "Insatser"
    far_inte_skapa = "Du har ingen brukare vars ärende du får ändra."

    @staticmethod
    def far_skapa(user) -> bool:
        # En insats läggs på en brukare vars ärende användaren får ändra.
        return access.scope(user, Brukare, access.ANDRA).exists()

    def get_queryset(self):
        return super().get_queryset().order_by("pk")
