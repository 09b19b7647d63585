"""GIN-index för sökningen (kvalitet/sok.py) på lex Sarah-rapportens textfält, bara i PostgreSQL.

Samma uttryck som frågan (`kvalitet.sok.sokvektor` över `lexsarah.queries.SOKFALT`); se
avvikelser/migrations/0013_sokindex.py.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FALT = ("sammanfattning", "beskrivning", "atgard_direkt", "forlopp", "konsekvenser", "orsaker", "motivering")


def _index():
    return GinIndex(SearchVector(*FALT, config="swedish"), name="lexsarah_rapport_sok")


def skapa(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("lexsarah", "rapport"), _index())


def ta_bort(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("lexsarah", "rapport"), _index())


class Migration(migrations.Migration):
    dependencies = [("lexsarah", "0006_atgard_effekt_struken")]

    operations = [migrations.RunPython(skapa, ta_bort)]
