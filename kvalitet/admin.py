# Bibliotekens egna admin registreras först, så att de kan ersättas nedan.
import django_otp.plugins.otp_static.admin  # noqa: F401
import django_otp.plugins.otp_totp.admin  # noqa: F401
import knox.admin  # noqa: F401
from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from kvalitet import services, services_inloggning
from kvalitet.models import Insatstyp, Lagrum, OrgNod, Registreringskod, Rolltilldelning

# Admin på svenska, med produktens namn i stället för "Django-administration".
admin.site.site_header = "Kvalitet – administration"
admin.site.site_title = "Kvalitet"
admin.site.index_title = "Organisation, roller och grunddata"

# Biblioteken i admin saknar svenska översättningar: apparnas och modellernas namn sätts här, bara för
# visningen (migreringarna läser Meta, inte _meta, så inget ändras i databasen).
SVENSKA_APPNAMN = {
    "django_celery_beat": "Schemalagda uppgifter",
    "axes": "Inloggningsförsök",
    "knox": "API-nycklar",
    "otp_totp": "Tvåfaktor med app",
    "otp_static": "Tvåfaktor med reservkoder",
}
SVENSKA_MODELLNAMN = {
    "django_celery_beat.periodictask": ("schemalagd uppgift", "schemalagda uppgifter"),
    "django_celery_beat.clockedschedule": ("tidpunkt", "tidpunkter"),
    "django_celery_beat.crontabschedule": ("crontab-schema", "crontab-scheman"),
    "django_celery_beat.solarschedule": ("solhändelse", "solhändelser"),
    "django_celery_beat.intervalschedule": ("intervall", "intervall"),
    "axes.accessattempt": ("misslyckat inloggningsförsök", "misslyckade inloggningsförsök"),
    "axes.accesslog": ("inloggning", "inloggningar"),
    "axes.accessfailurelog": ("misslyckad inloggning", "misslyckade inloggningar"),
    "knox.authtoken": ("API-nyckel", "API-nycklar"),
    "otp_totp.totpdevice": ("TOTP-enhet", "TOTP-enheter"),
    "otp_static.staticdevice": ("reservkodslista", "reservkodslistor"),
}


def _svenska_namn() -> None:
    from django.apps import apps

    for etikett, namn in SVENSKA_APPNAMN.items():
        apps.get_app_config(etikett).verbose_name = namn
    for etikett, (ental, flertal) in SVENSKA_MODELLNAMN.items():
        meta = apps.get_model(etikett)._meta
        meta.verbose_name, meta.verbose_name_plural = ental, flertal


_svenska_namn()


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
    list_display = ["namn", "lag", "verksamhet", "aktiv"]
    list_filter = ["lag", "verksamhet", "aktiv"]


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


class RegistreringskodForm(forms.ModelForm):
    class Meta:
        model = Registreringskod
        fields = ["anvandare"]


@admin.register(Registreringskod)
class RegistreringskodAdmin(admin.ModelAdmin):
    """Admin ger ut en registreringskod för tvåfaktor; koden visas en gång, här, och lagras bara som hash."""

    form = RegistreringskodForm
    list_display = ["anvandare", "skapad", "skapad_av", "giltig_till", "anvand"]
    list_display_links = None
    search_fields = ["anvandare__username"]
    autocomplete_fields = ["anvandare"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        post, kod = services_inloggning.registreringskod_skapa(anvandare=obj.anvandare, av=request.user)
        obj.pk, obj.skapad, obj.giltig_till = post.pk, post.skapad, post.giltig_till
        giltig = timezone.localtime(post.giltig_till)
        self.message_user(
            request,
            f"Registreringskod för {post.anvandare}: {kod} (gäller en gång, till {giltig:%Y-%m-%d %H:%M}). "
            "Lämna den till användaren personligen; den visas inte igen.",
            messages.WARNING,
        )

    def response_add(self, request, obj, post_url_continue=None):
        from django.shortcuts import redirect

        return redirect("admin:kvalitet_registreringskod_changelist")


# Tvåfaktorenheter: admin ser vilka som finns och kan ta bort en (tappad telefon), men varken läsa
# nyckeln och reservkoderna eller lägga till en enhet åt någon annan.
for modell in (TOTPDevice, StaticDevice):
    admin.site.unregister(modell)


@admin.register(TOTPDevice, StaticDevice)
class TvaFaktorEnhetAdmin(admin.ModelAdmin):
    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    list_display_links = None
    fields = list_display  # inte nyckeln eller koderna
    readonly_fields = list_display
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
