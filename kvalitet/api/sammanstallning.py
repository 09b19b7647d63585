"""Sammanställningar (antal, register) i API:t: ett objekt per anrop, inte en lista."""

from drf_spectacular.openapi import AutoSchema
from rest_framework import viewsets


class EttObjektSchema(AutoSchema):
    """drf-spectacular beskriver `list` som en lista; en sammanställning svarar med ett objekt."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class SammanstallningViewSet(viewsets.ViewSet):
    """Bas för sammanställningar utan personuppgifter: GET på resursens rot ger ett objekt."""

    schema = EttObjektSchema()
