"""Schemat ska gå att generera utan varningar: två serializers med samma komponentnamn ger annars ett
schema där den ena resursen beskrivs med den andras fält."""

import pytest
from django.core.management import call_command


def test_schema_generates_without_warnings(tmp_path):
    fil = tmp_path / "schema.yml"
    call_command("spectacular", "--fail-on-warn", "--file", str(fil))
    text = fil.read_text()
    assert "RiskanalysAtgard:" in text and "LexSarahAtgard:" in text
    assert "LexSarahStatusEnum" in text and "ForandringTypEnum" in text


@pytest.mark.parametrize("namn", ["Atgard:", "StatusF5fEnum", "TypC8eEnum"])
def test_no_ambiguous_component_names(tmp_path, namn):
    fil = tmp_path / "schema.yml"
    call_command("spectacular", "--file", str(fil))
    assert f"    {namn}" not in fil.read_text()
