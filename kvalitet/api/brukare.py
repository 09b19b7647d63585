"""Organisation, brukare och insatser i API:t. Skrivningar valideras av samma formulär som webben."""

from __future__ import annotations

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.response import Response

from kvalitet import access, services
from kvalitet.api.base import (
    ApiDatumfalt,
    HeltalFilter,
    LasSkrivViewSet,
    LasViewSet,
    nod_och_under,
)
from kvalitet.forms import BrukareForm, InsatsForm
from kvalitet.models import Brukare, Insats, Insatstyp, OrgNod

# --- läsning -----------------------------------------------------------------------------------------


class OrgNodSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgNod
        fields = ["id", "typ", "namn", "kod", "forelder", "antal_platser", "aktiv"]


class InsatstypSerializer(serializers.ModelSerializer):
    class Meta:
        model = Insatstyp
        fields = ["id", "namn", "lag", "aktiv"]


class BrukareSerializer(serializers.ModelSerializer):
    """Namn och personnummer bara för den som får se identiteten (skyddad identitet)."""

    namn = serializers.SerializerMethodField()
    personnummer = serializers.SerializerMethodField()

    class Meta:
        model = Brukare
        fields = ["id", "namn", "personnummer", "skyddad_identitet", "namnd", "handlaggare", "externt_id"]

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


class BrukareSkrivSerializer(FormSerializer):
    form_class = BrukareForm

    personnummer = serializers.CharField(max_length=13, allow_blank=True, help_text="ÅÅÅÅMMDD-NNNN")
    fornamn = serializers.CharField(max_length=100, allow_blank=True)
    efternamn = serializers.CharField(max_length=100, allow_blank=True)
    skyddad_identitet = serializers.BooleanField(required=False, default=False)
    namnd = serializers.IntegerField()
    handlaggare = serializers.IntegerField(required=False, allow_null=True)
    externt_id = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)

    def nuvarande(self):
        b = self.instance
        return {
            "personnummer": b.personnummer,
            "fornamn": b.fornamn,
            "efternamn": b.efternamn,
            "skyddad_identitet": b.skyddad_identitet,
            "namnd": b.namnd_id,
            "handlaggare": b.handlaggare_id,
        }

    def form_kwargs(self):
        return {"user": self.context["request"].user}

    def save(self, **kwargs):
        brukare = self.form.save(commit=False)
        if "externt_id" in self.validated_data:
            brukare.externt_id = self.validated_data["externt_id"] or None
        return services.brukare_spara(brukare=brukare, av=self.context["request"].user)


class InsatsSkrivSerializer(FormSerializer):
    form_class = InsatsForm

    brukare = serializers.IntegerField()
    typ = serializers.IntegerField()
    enhet = serializers.IntegerField(required=False, allow_null=True)
    beslutsdatum = ApiDatumfalt()
    startdatum = ApiDatumfalt(required=False, allow_null=True)
    slutdatum = ApiDatumfalt(required=False, allow_null=True)
    externt_id = serializers.CharField(max_length=100, required=False, allow_null=True, allow_blank=True)

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
        return services.insats_spara(insats=insats, av=self.context["request"].user)


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

    def brukare_ids(self, objekt):
        return [o.pk for o in objekt]

    def get_queryset(self):
        return super().get_queryset().order_by("pk")


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

    def get_queryset(self):
        return super().get_queryset().order_by("pk")
