"""Importen av brukare och insatser genom API:t: samma kod som kommandona, begränsad till egna nämnder."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from kvalitet import access
from kvalitet.api.behorighet import FarAndra
from kvalitet.api.tolk import JsonTolk
from kvalitet.import_brukare import importera_brukare, importera_insatser


class ImportSerializer(serializers.Serializer):
    fil = serializers.FileField(required=False, help_text="CSV-fil (UTF-8), semikolon eller komma.")
    csv = serializers.CharField(required=False, allow_blank=False, help_text="CSV-texten, i stället för fil.")
    dry_run = serializers.BooleanField(
        required=False, default=False, help_text="Kontrollera bara, skriv inget."
    )
    strict = serializers.BooleanField(
        required=False, default=False, help_text="Skriv inget om någon rad är fel."
    )

    def validate(self, attrs):
        if "fil" in attrs:
            try:
                attrs["text"] = attrs["fil"].read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise serializers.ValidationError({"fil": "Filen ska vara UTF-8-kodad CSV."}) from None
        elif "csv" in attrs:
            attrs["text"] = attrs["csv"]
        else:
            raise serializers.ValidationError({"fil": "Skicka en fil eller csv-text."})
        return attrs


class RadfelSerializer(serializers.Serializer):
    rad = serializers.IntegerField()
    falt = serializers.CharField()
    orsak = serializers.CharField()


class ImportResultatSerializer(serializers.Serializer):
    skapade = serializers.IntegerField()
    andrade = serializers.IntegerField()
    oforandrade = serializers.IntegerField()
    fel = RadfelSerializer(many=True)
    skrevs = serializers.BooleanField()


class _ImportView(APIView):
    parser_classes = [MultiPartParser, FormParser, JsonTolk]
    permission_classes = [FarAndra]
    far_inte_skapa = "Du får inte importera brukare eller insatser."
    importera = None

    @staticmethod
    def far_skapa(user) -> bool:
        return bool(_namnder_for(user))

    @extend_schema(request=ImportSerializer, responses={200: ImportResultatSerializer})
    def post(self, request):
        # Handläggare och kvalitetssamordnare importerar till sina nämnder (samma som de får skapa i webben).
        namnder = _namnder_for(request.user)
        if not namnder:
            raise PermissionDenied("Du får inte importera brukare eller insatser.")
        s = ImportSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        resultat = type(self).importera(
            d["text"], torrkorning=d["dry_run"], strikt=d["strict"], av=request.user, namnder=namnder
        )
        skrevs = not d["dry_run"] and not (d["strict"] and resultat.fel)
        return Response(
            {
                "skapade": resultat.skapade,
                "andrade": resultat.andrade,
                "oforandrade": resultat.oforandrade,
                "fel": [{"rad": f.rad, "falt": f.falt, "orsak": f.orsak} for f in resultat.fel],
                "skrevs": skrevs,
            }
        )


def _namnder_for(user) -> set[int]:
    from kvalitet.models import NodTyp, OrgNod

    noder = access.noder(user, access.HANDLAGGARE, access.KVALITETSSAMORDNARE)
    return set(OrgNod.objects.filter(pk__in=noder, typ=NodTyp.NAMND).values_list("pk", flat=True))


class ImportBrukareView(_ImportView):
    """Brukare från verksamhetssystemet (CSV), nyckel externt_id."""

    importera = staticmethod(importera_brukare)


class ImportInsatserView(_ImportView):
    """Insatser från verksamhetssystemet (CSV), nyckel externt_id."""

    importera = staticmethod(importera_insatser)
