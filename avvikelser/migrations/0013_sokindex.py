"""GIN-index för sökningen (kvalitet/sok.py) på avvikelsernas och klagomålens textfält, bara i PostgreSQL.

Uttrycket är detsamma som frågan bygger (`kvalitet.sok.sokvektor` över `avvikelser.queries.AVVIKELSE_SOKFALT`
och `KLAGOMAL_SOKFALT`); ändras fälten där ska ett nytt index byggas här, annars används det inte. SQLite
(demon) har ingen fulltext och får inget index. Indexet står inte i modellens Meta eftersom GIN inte finns i
SQLite.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX = [
    (
        "avvikelse",
        "avvikelse_sok",
        ("beskrivning", "atgard_direkt", "konsekvens_for_brukaren", "slutsats"),
    ),
    ("klagomal", "klagomal_sok", ("beskrivning", "aterkoppling_hur")),
]


def _index(namn, falt):
    return GinIndex(SearchVector(*falt, config="swedish"), name=namn)


def skapa(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for modell, namn, falt in INDEX:
        schema_editor.add_index(apps.get_model("avvikelser", modell), _index(namn, falt))


def ta_bort(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for modell, namn, falt in INDEX:
        schema_editor.remove_index(apps.get_model("avvikelser", modell), _index(namn, falt))


class Migration(migrations.Migration):
    dependencies = [("avvikelser", "0012_klagomal_atgarder_tidslinje")]

    operations = [migrations.RunPython(skapa, ta_bort)]
