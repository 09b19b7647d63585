"""Egenskapsbaserad körning av schemathesis mot API:ts eget schema: inga 5xx, svaren följer schemat.

Schemat byggs i processen (drf-spectacular) och anropen går direkt till WSGI-appen som en inloggad
kvalitetssamordnare med token. Få exempel per operation, så att körningen tar under en minut.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from kvalitet.wsgi import application
from tests.api.factories import token_klient


def _schema() -> dict:
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_schema())
schema.app = application


@pytest.fixture
def token(settings, org, cast, brukare):
    settings.ALLOWED_HOSTS = ["*"]
    # Som Djangos testklient: WSGI-anropen får inte stänga testets databasanslutning (transaktionen).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    klient = token_klient(cast.kim)
    yield klient._credentials["HTTP_AUTHORIZATION"]
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema_and_never_fails_with_5xx(case, token):
    case.call_and_validate(
        headers={"Authorization": token},
        checks=[not_a_server_error, response_schema_conformance],
    )
