from django.contrib import admin

from avvikelser.models import Kategori, Orsak


@admin.register(Kategori)
class KategoriAdmin(admin.ModelAdmin):
    list_display = ("namn", "aktiv", "ordning")
    list_editable = ("aktiv", "ordning")


@admin.register(Orsak)
class OrsakAdmin(admin.ModelAdmin):
    list_display = ("namn", "aktiv")
    list_editable = ("aktiv",)
