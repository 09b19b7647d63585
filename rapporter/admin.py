from django.contrib import admin

from rapporter.models import Kvalitetsberattelse, PubliceradVersion


@admin.register(Kvalitetsberattelse)
class KvalitetsberattelseAdmin(admin.ModelAdmin):
    list_display = ["ar", "nod", "pdf_status", "andrad"]
    list_filter = ["ar"]
    # Admin ser bara läget: utkastets texter och IVO:s tillsyn läser bara kvalitetssamordnaren, i redigeraren.
    readonly_fields = ["nod", "ar", "skapad_av", "pdf_status", "pdf_fel"]
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
