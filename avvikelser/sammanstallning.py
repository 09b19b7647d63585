"""Månadssammanställningen (`Manadsantal`): triggrarna i PostgreSQL som håller den aktuell och ombyggnaden.

Varför i databasen och inte i services.py: avvikelser skrivs också av API:t, importer, `QuerySet.update()` och
SQL utanför Django (benchmarkens massimport). En trigger per sats (med övergångstabeller) ser alla dessa och
räknar en massimport med en enda gruppering i stället för en rad i taget.

Månaden räknas i kommunens tidszon (settings.TIME_ZONE), samma gräns som statistiken använder för perioder.
Byts tidszonen måste sammanställningen byggas om: `manage.py manadsantal --bygg-om`.
"""

import zoneinfo

from django.conf import settings

TABELL = "avvikelser_avvikelse"
SAMMANSTALLNING = "avvikelser_manadsantal"
FUNKTION = "avvikelser_manadsantal_andra"
TRIGGRAR = ("avvikelser_manadsantal_insert", "avvikelser_manadsantal_update", "avvikelser_manadsantal_delete")


def _sql(connection, mall: str, tidszon: str | None = None) -> str:
    """SQL-texten med tabellnamn och tidszon insatta av psycopg (identifierare och litteral). DDL och en
    triggers text tar inga parametrar; tidszonen måste dessutom vara ett giltigt IANA-namn."""
    from psycopg import sql

    tidszon = tidszon or settings.TIME_ZONE
    zoneinfo.ZoneInfo(tidszon)
    manad = sql.SQL("date_trunc('month', handelsetid AT TIME ZONE {})::date").format(sql.Literal(tidszon))
    delta = sql.SQL(DELTA).format(manad=manad)
    connection.ensure_connection()
    return (
        sql.SQL(mall)
        .format(
            tabell=sql.Identifier(TABELL),
            sammanstallning=sql.Identifier(SAMMANSTALLNING),
            funktion=sql.Identifier(FUNKTION),
            manad=manad,
            delta=delta,
            insert=sql.Identifier(TRIGGRAR[0]),
            update=sql.Identifier(TRIGGRAR[1]),
            delete=sql.Identifier(TRIGGRAR[2]),
        )
        .as_string(connection.connection)
    )


# Skillnaden per nyckel vid UPDATE: +1 för varje ny rad, -1 för varje gammal.
DELTA = """
SELECT enhet_id, kategori_id, manad, sum(d) AS d FROM (
    SELECT enhet_id, kategori_id, {manad} AS manad, 1 AS d FROM nya
    UNION ALL
    SELECT enhet_id, kategori_id, {manad} AS manad, -1 AS d FROM gamla
) AS x GROUP BY 1, 2, 3
"""

# Nycklarna skrivs i ordning, så att två samtidiga massändringar låser raderna i samma ordning.
FUNKTIONEN = """
CREATE OR REPLACE FUNCTION {funktion}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO {sammanstallning} AS m (enhet_id, kategori_id, manad, antal)
        SELECT enhet_id, kategori_id, {manad}, count(*) FROM nya GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (enhet_id, kategori_id, manad) DO UPDATE SET antal = m.antal + EXCLUDED.antal;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE {sammanstallning} AS m SET antal = m.antal - g.antal
        FROM (SELECT enhet_id, kategori_id, {manad} AS manad, count(*) AS antal FROM gamla GROUP BY 1, 2, 3) AS g
        WHERE m.enhet_id = g.enhet_id AND m.kategori_id = g.kategori_id AND m.manad = g.manad;
    ELSE
        -- UPDATE: bara nycklar vars antal ändras (en statusändring skriver ingenting här). Minskningar med
        -- UPDATE: ett negativt värde i INSERT … ON CONFLICT prövas mot CHECK innan konflikten.
        UPDATE {sammanstallning} AS m SET antal = m.antal + x.d
        FROM ({delta} HAVING sum(d) < 0) AS x
        WHERE m.enhet_id = x.enhet_id AND m.kategori_id = x.kategori_id AND m.manad = x.manad;
        INSERT INTO {sammanstallning} AS m (enhet_id, kategori_id, manad, antal)
        SELECT enhet_id, kategori_id, manad, d FROM ({delta} HAVING sum(d) > 0) AS x ORDER BY 1, 2, 3
        ON CONFLICT (enhet_id, kategori_id, manad) DO UPDATE SET antal = m.antal + EXCLUDED.antal;
    END IF;
    RETURN NULL;
END;
$fn$
"""

TA_BORT_TRIGGRAR = """
DROP TRIGGER IF EXISTS {insert} ON {tabell};
DROP TRIGGER IF EXISTS {update} ON {tabell};
DROP TRIGGER IF EXISTS {delete} ON {tabell}
"""

TRIGGRARNA = """
CREATE TRIGGER {insert} AFTER INSERT ON {tabell}
    REFERENCING NEW TABLE AS nya FOR EACH STATEMENT EXECUTE FUNCTION {funktion}();
-- Varje UPDATE (PostgreSQL tillåter inga kolumnlistor med övergångstabeller); oförändrade nycklar tar ut
-- varandra i funktionen och skriver ingenting.
CREATE TRIGGER {update} AFTER UPDATE ON {tabell}
    REFERENCING OLD TABLE AS gamla NEW TABLE AS nya FOR EACH STATEMENT EXECUTE FUNCTION {funktion}();
CREATE TRIGGER {delete} AFTER DELETE ON {tabell}
    REFERENCING OLD TABLE AS gamla FOR EACH STATEMENT EXECUTE FUNCTION {funktion}()
"""

FYLL = """
INSERT INTO {sammanstallning} (enhet_id, kategori_id, manad, antal)
SELECT enhet_id, kategori_id, {manad}, count(*) FROM {tabell} GROUP BY 1, 2, 3
"""

JAMFOR = """
SELECT coalesce(s.enhet_id, a.enhet_id), coalesce(s.kategori_id, a.kategori_id),
       coalesce(s.manad, a.manad), coalesce(s.antal, 0), coalesce(a.antal, 0)
FROM (SELECT * FROM {sammanstallning} WHERE antal > 0) AS s
FULL OUTER JOIN (
    SELECT enhet_id, kategori_id, {manad} AS manad, count(*) AS antal FROM {tabell} GROUP BY 1, 2, 3
) AS a ON s.enhet_id = a.enhet_id AND s.kategori_id = a.kategori_id AND s.manad = a.manad
WHERE coalesce(s.antal, 0) <> coalesce(a.antal, 0)
ORDER BY 1, 2, 3
"""


def installera(connection, tidszon: str | None = None) -> None:
    """Skapar (eller ersätter) funktionen och triggrarna. Bara PostgreSQL; SQLite-demon läser avvikelserna."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as c:
        c.execute(_sql(connection, FUNKTIONEN, tidszon))
        c.execute(_sql(connection, TA_BORT_TRIGGRAR))
        c.execute(_sql(connection, TRIGGRARNA))


def avinstallera(connection) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as c:
        c.execute(_sql(connection, TA_BORT_TRIGGRAR))
        c.execute(_sql(connection, "DROP FUNCTION IF EXISTS {funktion}()"))


def bygg_om(connection, tidszon: str | None = None) -> int:
    """Räknar om hela sammanställningen ur avvikelserna och installerar triggrarna på nytt. Avvikelsetabellen
    låses för skrivning under tiden (läsning går), så att ingen rapport hamnar mellan räkningen och
    triggrarna. Idempotent. Returnerar antalet rader i sammanställningen."""
    if connection.vendor != "postgresql":
        return 0
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as c:
        c.execute(_sql(connection, "LOCK TABLE {tabell} IN SHARE MODE"))
        installera(connection, tidszon)
        c.execute(_sql(connection, "DELETE FROM {sammanstallning}"))
        c.execute(_sql(connection, FYLL, tidszon))
        return c.rowcount


def avvikande_nycklar(connection, tidszon: str | None = None) -> list[tuple]:
    """Nycklar (enhet, kategori, månad, i sammanställningen, i avvikelserna) där sammanställningen inte
    stämmer med avvikelserna. Tom lista när allt stämmer (eller på SQLite, där den inte används)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as c:
        c.execute(_sql(connection, JAMFOR, tidszon))
        return c.fetchall()
