"""JSON-tolken för API:t, i en egen modul: DRF:s inställningar importerar den när rest_framework.views laddas,
så den får inte själv importera views (som installningar gör)."""

from rest_framework import exceptions, parsers


class JsonTolk(parsers.JSONParser):
    """DRF:s JSON-tolk, men djupt nästlad JSON ("[[[[...") ger 400 i stället för RecursionError och 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON-innehållet är för djupt nästlat.") from None
