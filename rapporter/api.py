"""Kvalitetsberättelsen i REST-API:t: lista, starta en PDF, fråga efter läget och hämta PDF:en.

Samma regler som i webben: den som får ändra berättelsen (kvalitetssamordnaren i nämnden) beställer och
hämtar utkast-PDF:en; de som får läsa den hämtar publicerade versioner. Inga personuppgifter, bara
sammanställningar, så ingen åtkomstlogg behövs.
"""

from __future__ import annotations

from django.http import FileResponse, Http404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from kvalitet import access
from kvalitet.api.base import HeltalFilter, LasViewSet, NodFilter
from rapporter import services
from rapporter.models import Kvalitetsberattelse, PubliceradVersion, fil_finns

UTKAST_SAKNAS = (
    "PDF-filen finns inte längre på servern (till exempel efter en återställning av databasen utan "
    "filerna). Skapa den igen med POST till adressen i 'bygg' och hämta den när pdf_status är klar."
)
VERSION_SAKNAS = (
    "Den publicerade PDF-filen finns inte längre på servern (till exempel efter en återställning av "
    "databasen utan filerna). Siffrorna och texterna är sparade: systemförvaltningen återställer filen "
    "ur säkerhetskopian av media, eller läs versionen i webben."
)


class PdfRenderer(renderers.BaseRenderer):
    """Låter en klient be om application/pdf (svaret är en FileResponse, inte en renderad Response)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        # Bara felsvar renderas här (PDF:en går ut som FileResponse); de blir JSON-text.
        return renderers.JSONRenderer().render(data)


class VersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PubliceradVersion
        fields = ["nummer", "publicerad", "checksumma"]


class KvalitetsberattelseSerializer(serializers.ModelSerializer):
    versioner = VersionSerializer(many=True, read_only=True)

    class Meta:
        model = Kvalitetsberattelse
        fields = [
            "id",
            "nod",
            "ar",
            "andrad",
            "pdf_status",
            "pdf_framsteg",
            "bestallning",
            "versioner",
        ]


class BestallningSerializer(serializers.Serializer):
    startad = serializers.BooleanField(help_text="Falskt om en PDF redan var i kö eller skapades.")
    berattelse = KvalitetsberattelseSerializer()


class BerattelseFilter(NodFilter):
    nodfalt = "nod"
    ar = HeltalFilter(field_name="ar")

    class Meta:
        model = Kvalitetsberattelse
        fields = ["ar"]


class KvalitetsberattelseViewSet(LasViewSet):
    """Kvalitetsberättelser för noder användaren får läsa; PDF-bygget körs i bakgrunden (Celery)."""

    model = Kvalitetsberattelse
    serializer_class = KvalitetsberattelseSerializer
    filterset_class = BerattelseFilter

    def get_queryset(self):
        return (
            access.scope(self.request.user, Kvalitetsberattelse)
            .prefetch_related("versioner")
            .order_by("-ar", "pk")
        )

    @extend_schema(request=None, responses={202: BestallningSerializer})
    @action(detail=True, methods=["post"])
    def bygg(self, request, pk=None, format=None):
        """Beställer en utkast-PDF; fråga sedan efter `pdf_status` (koad → pagar → klar eller fel)."""
        b = access.hamta(request.user, Kvalitetsberattelse, access.ANDRA, pk=pk)
        startad = services.pdf_bestall(berattelse=b, av=request.user)
        data = {"startad": startad, "berattelse": KvalitetsberattelseSerializer(b).data}
        return Response(data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="Utkast-PDF:en"),
            404: OpenApiResponse(
                description="Ingen PDF ännu, filen saknas på servern (svaret säger hur den skapas igen), "
                "eller ingen behörighet"
            ),
        }
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, PdfRenderer])
    def pdf(self, request, pk=None, format=None):
        """Den senast byggda utkast-PDF:en (bara för den som får ändra berättelsen)."""
        b = access.hamta(request.user, Kvalitetsberattelse, access.ANDRA, pk=pk)
        if not b.pdf:
            raise Http404
        if not fil_finns(b.pdf):
            bygg = request.build_absolute_uri(reverse("api:kvalitetsberattelse-bygg", args=[b.pk]))
            return Response({"detail": UTKAST_SAKNAS, "bygg": bygg}, status=status.HTTP_404_NOT_FOUND)
        return FileResponse(
            b.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"kvalitetsberattelse-{b.ar}-utkast.pdf",
        )

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="Den publicerade PDF:en"
            ),
            404: OpenApiResponse(
                description="Versionen finns inte, filen saknas på servern, eller ingen behörighet"
            ),
        }
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="versioner/<int:nummer>/pdf",
        renderer_classes=[renderers.JSONRenderer, PdfRenderer],
    )
    def version_pdf(self, request, pk=None, nummer=None, format=None):
        """En publicerad (fryst) version som PDF."""
        v = access.hamta(
            request.user,
            PubliceradVersion.objects.select_related("berattelse"),
            berattelse_id=pk,
            nummer=nummer,
        )
        if not fil_finns(v.pdf):
            return Response({"detail": VERSION_SAKNAS}, status=status.HTTP_404_NOT_FOUND)
        return FileResponse(
            v.pdf.open("rb"),
            content_type="application/pdf",
            filename=f"kvalitetsberattelse-{v.berattelse.ar}-v{v.nummer}.pdf",
        )


def registrera(router) -> None:
    router.register("kvalitetsberattelser", KvalitetsberattelseViewSet, basename="kvalitetsberattelse")
