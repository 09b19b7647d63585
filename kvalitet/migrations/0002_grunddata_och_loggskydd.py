"""Grunddata (insatstyper, lagrum) och skydd av åtkomstloggen i PostgreSQL.

Lagrummen för gamla SoL (2001:453) gäller till 2025-06-30. Numreringen i nya socialtjänstlagen
(2025:400) är inte verifierad här; administratören lägger in den i admin när den är kontrollerad
(REGULATION.md). LSS numrerades inte om.
"""

import datetime

from django.db import migrations

INSATSTYPER = [
    ("Hemtjänst", "SoL"),
    ("Särskilt boende", "SoL"),
    ("Dagverksamhet", "SoL"),
    ("Korttidsvistelse", "SoL"),
    ("Boendestöd", "SoL"),
    ("Trygghetslarm", "SoL"),
    ("Daglig verksamhet", "LSS"),
    ("Korttidsvistelse utanför det egna hemmet", "LSS"),
    ("Kontaktperson", "LSS"),
    ("Ledsagarservice", "LSS"),
    ("Personlig assistans", "LSS"),
    ("Bostad med särskild service för vuxna", "LSS"),
    ("Avlösarservice i hemmet", "LSS"),
]

SLUT_GAMLA_SOL = datetime.date(2025, 6, 30)
LAGRUM = [
    ("lex_sarah_rapportering", "SoL (2001:453)", "14", "2 §", "Skyldighet att rapportera missförhållanden",
     datetime.date(2011, 7, 1), SLUT_GAMLA_SOL),
    ("lex_sarah_utredning", "SoL (2001:453)", "14", "6 §", "Dokumentation, utredning och avhjälpande",
     datetime.date(2011, 7, 1), SLUT_GAMLA_SOL),
    ("lex_sarah_anmalan", "SoL (2001:453)", "14", "7 §", "Anmälan av allvarligt missförhållande till IVO",
     datetime.date(2011, 7, 1), SLUT_GAMLA_SOL),
    ("lex_sarah_rapportering_lss", "LSS (1993:387)", "", "24 b §", "Skyldighet att rapportera missförhållanden",
     datetime.date(2011, 7, 1), None),
    ("lex_sarah_anmalan_lss", "LSS (1993:387)", "", "24 f §", "Anmälan av allvarligt missförhållande till IVO",
     datetime.date(2011, 7, 1), None),
    ("ej_verkstallt_beslut", "SoL (2001:453)", "16", "6 f §", "Rapportering av ej verkställda beslut",
     datetime.date(2008, 7, 1), SLUT_GAMLA_SOL),
    ("ej_verkstallt_beslut_lss", "LSS (1993:387)", "", "28 f §", "Rapportering av ej verkställda beslut",
     datetime.date(2008, 7, 1), None),
    ("ledningssystem", "SOSFS 2011:9", "", "", "Ledningssystem för systematiskt kvalitetsarbete",
     datetime.date(2012, 1, 1), None),
]


def grunddata(apps, schema_editor):
    Insatstyp = apps.get_model("kvalitet", "Insatstyp")
    Lagrum = apps.get_model("kvalitet", "Lagrum")
    for namn, lag in INSATSTYPER:
        Insatstyp.objects.get_or_create(namn=namn, defaults={"lag": lag})
    for nyckel, lag, kap, par, beskr, fran, till in LAGRUM:
        Lagrum.objects.get_or_create(
            nyckel=nyckel,
            giltig_fran=fran,
            defaults={"lag": lag, "kapitel": kap, "paragraf": par or "–", "beskrivning": beskr, "giltig_till": till},
        )


LOGGSKYDD = """
CREATE OR REPLACE FUNCTION kvalitet_atkomstlogg_oforanderlig() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'Åtkomstloggen kan inte ändras eller raderas';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS kvalitet_atkomstlogg_skydd ON kvalitet_atkomstlogg;
CREATE TRIGGER kvalitet_atkomstlogg_skydd BEFORE UPDATE OR DELETE ON kvalitet_atkomstlogg
  FOR EACH ROW EXECUTE FUNCTION kvalitet_atkomstlogg_oforanderlig();
"""

LOGGSKYDD_BORT = """
DROP TRIGGER IF EXISTS kvalitet_atkomstlogg_skydd ON kvalitet_atkomstlogg;
DROP FUNCTION IF EXISTS kvalitet_atkomstlogg_oforanderlig();
"""


def loggskydd(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LOGGSKYDD)


def loggskydd_bort(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LOGGSKYDD_BORT)


class Migration(migrations.Migration):
    dependencies = [("kvalitet", "0001_initial")]

    operations = [
        migrations.RunPython(grunddata, migrations.RunPython.noop),
        migrations.RunPython(loggskydd, loggskydd_bort),
    ]
