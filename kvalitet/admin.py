import knox.admin  # noqa: F401  (registrerar sin egen admin först; den ersätts nedan)
from django.contrib import admin
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from kvalitet import services
from kvalitet.models import Insatstyp, Lagrum, OrgNod, Rolltilldelning


@admin.register(OrgNod)
class OrgNodAdmin(SimpleHistoryAdmin):
    list_display = ["namn", "typ", "kod", "forelder", "aktiv"]
    list_filter = ["typ", "aktiv"]
    search_fields = ["namn", "kod"]
    readonly_fields = ["sokvag"]

    def save_model(self, request, obj, form, change):
        # Sökvägarna i delträdet måste följa med när en nod flyttas.
        services.orgnod_spara(nod=obj, av=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # noder avvecklas (aktiv = nej), raderas inte


@admin.register(Rolltilldelning)
class RolltilldelningAdmin(SimpleHistoryAdmin):
    list_display = ["anvandare", "roll", "nod", "giltig_fran", "giltig_till"]
    list_filter = ["roll"]
    search_fields = ["anvandare__username", "anvandare__last_name", "nod__namn"]
    autocomplete_fields = ["nod"]


@admin.register(Insatstyp)
class InsatstypAdmin(admin.ModelAdmin):
    list_display = ["namn", "lag", "aktiv"]
    list_filter = ["lag", "aktiv"]


@admin.register(Lagrum)
class LagrumAdmin(admin.ModelAdmin):
    list_display = ["nyckel", "lag", "kapitel", "paragraf", "giltig_fran", "giltig_till"]
    list_filter = ["lag"]


# Åtkomstloggen har ingen admin: den består av personuppgifter (vem som tittat på vilken enskild), och admin
# ser inga personuppgifter. Den läses på sidan Loggkontroll, av kvalitetssamordnaren inom sin nämnd.


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Återkallning av API-tokens. Nyckeln lagras bara som hash och kan inte läsas här; nya tokens skapas
    med `manage.py create_api_token`, aldrig i admin (då skulle admin kunna agera som en annan användare)."""

    list_display = ["token_key", "user", "created", "expiry"]
    list_display_links = None
    search_fields = ["user__username", "token_key"]
    fields = ["token_key", "user", "created", "expiry"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
