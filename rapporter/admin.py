from django.contrib import admin

from rapporter.models import Kvalitetsberattelse, PubliceradVersion


@admin.register(Kvalitetsberattelse)
class KvalitetsberattelseAdmin(admin.ModelAdmin):
    list_display = ["ar", "nod", "pdf_status", "andrad"]
    list_filter = ["ar"]
    # Texterna skrivs i redigeraren (som rensar html); admin visar bara.
    readonly_fields = ["nod", "ar", "texter", "ivo_tillsyn", "skapad_av", "pdf_status", "pdf", "pdf_fel"]
    fields = readonly_fields


@admin.register(PubliceradVersion)
class PubliceradVersionAdmin(admin.ModelAdmin):
    list_display = ["berattelse", "nummer", "publicerad", "publicerad_av", "checksumma"]

    def has_change_permission(self, request, obj=None):
        return False  # en publicerad version är fryst

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
