from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from uppfoljning.models import Huvudrapportor, Rapporteringsperiod


@admin.register(Rapporteringsperiod)
class RapporteringsperiodAdmin(admin.ModelAdmin):
    list_display = ("ar", "kvartal", "oppnar", "stanger")


@admin.register(Huvudrapportor)
class HuvudrapportorAdmin(SimpleHistoryAdmin):
    list_display = ("namnd", "anvandare")
