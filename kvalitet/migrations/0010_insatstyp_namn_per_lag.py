"""Insatstypens namn unikt per lag (Kontaktperson finns både i SoL och LSS) och området en SoL-insats
redovisas under i kvalitetsberättelsen (Herrljungas tabell över ej verkställda beslut, seed 003 6.1.1)."""

from django.db import migrations, models

# Grunddatans SoL-typer och deras område; nya SoL-typer som kommunerna i seeds redovisar.
OMRADE = {
    "Hemtjänst": "aldreomsorg",
    "Särskilt boende": "aldreomsorg",
    "Dagverksamhet": "aldreomsorg",
    "Korttidsvistelse": "aldreomsorg",
    "Trygghetslarm": "aldreomsorg",
    "Boendestöd": "funktionshinder",
}
NYA = [
    ("Kontaktperson", "SoL", "ifo"),
    ("Kontaktfamilj", "SoL", "ifo"),
    ("Familjebehandling", "SoL", "ifo"),
    ("Sysselsättning", "SoL", "funktionshinder"),
]


def framat(apps, schema_editor):
    Insatstyp = apps.get_model("kvalitet", "Insatstyp")
    for namn, omrade in OMRADE.items():
        Insatstyp.objects.filter(namn=namn, lag="SoL", verksamhet="").update(verksamhet=omrade)
    for namn, lag, omrade in NYA:
        Insatstyp.objects.get_or_create(namn=namn, lag=lag, defaults={"verksamhet": omrade})


class Migration(migrations.Migration):
    dependencies = [
        ("kvalitet", "0009_versionslas_indikatorvarde"),
    ]

    operations = [
        migrations.AlterField(
            model_name="insatstyp",
            name="namn",
            field=models.CharField(max_length=100, verbose_name="namn"),
        ),
        migrations.AddField(
            model_name="insatstyp",
            name="verksamhet",
            field=models.CharField(
                blank=True,
                choices=[
                    ("aldreomsorg", "SoL äldreomsorg"),
                    ("funktionshinder", "SoL funktionshinder/handikappomsorg"),
                    ("ifo", "SoL individ- och familjeomsorg"),
                ],
                help_text="För SoL-insatser: området i kvalitetsberättelsen. LSS redovisas för sig.",
                max_length=15,
                verbose_name="redovisas under",
            ),
        ),
        migrations.AddConstraint(
            model_name="insatstyp",
            constraint=models.UniqueConstraint(
                fields=("namn", "lag"),
                name="insatstyp_namn_per_lag",
                violation_error_message="Det finns redan en insatstyp med det namnet under den lagen.",
            ),
        ),
        migrations.RunPython(framat, migrations.RunPython.noop),
    ]
