from django.contrib import admin

from riskanalys.models import Mall


@admin.register(Mall)
class MallAdmin(admin.ModelAdmin):
    # Mallarna saknar personuppgifter; admin kan rensa dubbletter.
    list_display = ("titel", "nod", "skapad_av", "antal_anvandningar")
