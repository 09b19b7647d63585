from django.contrib import admin

from uppfoljning.models import Huvudrapportor, Rapporteringsperiod


@admin.register(Rapporteringsperiod)
class RapporteringsperiodAdmin(admin.ModelAdmin):
    list_display = ("ar", "kvartal", "oppnar", "stanger")


@admin.register(Huvudrapportor)
class HuvudrapportorAdmin(admin.ModelAdmin):
    # Modellen har ingen simple_history-tabell; adminens egen logg ger historiksidan (vem ändrade, när).
    list_display = ("namnd", "anvandare")
