"""Egenskapsbaserad körning av schemathesis mot API:ts eget schema, med en token per roll: inga 5xx, och
svaren följer schemat.

Schemat byggs i processen (drf-spectacular) och anropen går direkt till WSGI-appen. Varje roll i
rollbesättningen (och en användare vars roll gått ut, och en utan roll) får sin egen knox-token. Data är
markörorakelts (tests/sakerhet/markorer.py), så att detaljvägarna också prövas med riktiga id:n av rätt slag,
inte bara med id:n som inte finns, och skrivande operationer får också ogiltiga kroppar (negativa exempel).
Få exempel per operation, så att alla roller tillsammans tar några minuter.
"""

import json
import re

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from kvalitet.wsgi import application
from tests.api.factories import token_klient
from tests.sakerhet import markorer
from tests.sakerhet.test_markororakel import SLAG


def _schema() -> dict:
    return json.loads(OpenApiJsonRenderer().render(SchemaGenerator().get_schema(request=None, public=True)))


schema = schemathesis.openapi.from_dict(_schema())
schema.app = application

# personal, enhetschef, verksamhetschef, handläggare, kvalitetssamordnare, ledning, admin, utgången roll, utan.
ROLLER = ["pia", "erik", "vera", "hanna", "kim", "lars", "ada", "utgangen", "utan"]
# Exempel per operation och roll: slumpade id:n, och sedan ett riktigt id av rätt slag (detaljvägarna).
EXEMPEL = 2
EXEMPEL_RIKTIGT_ID = 2
EXEMPEL_OGILTIGA = 2


@pytest.fixture
def wsgi(settings):
    settings.ALLOWED_HOSTS = ["*"]
    # Som Djangos testklient: WSGI-anropen får inte stänga testets databasanslutning (transaktionen).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _operationer():
    return [r.ok() for r in schema.get_all_operations() if isinstance(r, Ok)]


def _riktigt_id(operation, ids) -> dict | None:
    """Sökvägens parameter satt till ett id som finns, av det slag mönstret tar (SLAG i markörorakelt)."""
    parametrar = re.findall(r"{(\w+)}", operation.path)
    if len(parametrar) != 1:
        return None
    monster = operation.path.lstrip("/").replace("{" + parametrar[0] + "}", "<int:pk>")
    slag = next((s for rx, s in SLAG if re.match(rx, monster)), None)
    pks = ids.get(slag) if slag else None
    return {parametrar[0]: pks[0]} if pks else None


def _kor(operation, rubrik: str, fel: list[str], max_examples: int, **fast):
    @given(case=operation.as_strategy(**fast))
    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def prova(case):
        case.call_and_validate(headers={"Authorization": rubrik}, checks=CHECKS)

    try:
        prova()
    except Unsatisfiable:  # inget ogiltigt att göra av en operation med bara fasta delar
        pass
    except (Exception, BaseExceptionGroup) as e:  # alla operationers fel i en rapport, inte bara det första
        fel.append(f"{operation.method.upper()} {operation.path}: {str(e)[:1500]}")


CHECKS = [not_a_server_error, response_schema_conformance]
NEGATIVE = GenerationMode.NEGATIVE


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("namn", ROLLER)
def test_api_conforms_to_its_schema_and_never_fails_with_5xx_for_every_role(
    namn, org, cast, wsgi, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    m, ids, poster, extra = markorer.bygg(org, cast, pdf=False)
    user = {**vars(cast), **vars(extra)}[namn]
    if namn == "ada":
        user.is_superuser = True
        user.save()
    rubrik = token_klient(user)._credentials["HTTP_AUTHORIZATION"]
    fel: list[str] = []
    operationer = _operationer()
    for operation in operationer:
        _kor(operation, rubrik, fel, EXEMPEL)
        fast = _riktigt_id(operation, ids)
        if fast:
            _kor(operation, rubrik, fel, EXEMPEL_RIKTIGT_ID, path_parameters=fast)
        if operation.method.upper() in ("POST", "PUT", "PATCH") and list(operation.body):
            # Ogiltiga kroppar (mot en post som finns, där det går): ett meddelande, aldrig ett 5xx.
            _kor(operation, rubrik, fel, EXEMPEL_OGILTIGA, generation_mode=NEGATIVE, path_parameters=fast)
    assert len(operationer) > 40
    assert not fel, f"{len(fel)} operationer föll för {namn}:\n\n" + "\n\n".join(fel)


def test_every_schema_path_with_an_id_has_a_kind_of_record(db):
    # Annars prövas en detaljväg bara med id:n som inte finns.
    utan = [
        op.path
        for op in _operationer()
        if len(re.findall(r"{(\w+)}", op.path)) == 1
        and not any(
            re.match(rx, op.path.lstrip("/").replace(re.findall(r"{\w+}", op.path)[0], "<int:pk>"))
            for rx, _ in SLAG
        )
    ]
    assert not utan or all(p.startswith(UTAN_SLAG) for p in utan), utan


UTAN_SLAG = ("/api/v1/organisation/", "/api/v1/insatstyper/", "/api/v1/avvikelsekategorier/")


def test_a_manual_indicator_with_blank_calculation_conforms_to_the_schema(db):
    # Skrivskyddade valfält tappade det tomma valet i schemat: varje manuell indikator bröt mot det.
    komponent = _schema()["components"]["schemas"]["Indikator"]["properties"]["berakning"]
    val = [
        schema.raw_schema["components"]["schemas"][r["$ref"].rsplit("/", 1)[1]] for r in komponent["oneOf"]
    ]
    assert [""] in [v["enum"] for v in val]
