"""Varje historiksida i admin svarar (ingen 500), också för modeller utan ändringshistorik."""

from django.contrib import admin
from django.urls import reverse

from uppfoljning.models import Huvudrapportor


def test_admin_history_pages_do_not_500(org, cast, client):
    cast.ada.is_superuser = True
    cast.ada.save()
    client.force_login(cast.ada)
    Huvudrapportor.objects.create(namnd=org.n1, anvandare=cast.kim)
    for modell, modeladmin in admin.site._registry.items():
        meta = modell._meta
        post = modell._default_manager.first()
        pk = post.pk if post is not None else 1
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[pk])
        svar = client.get(url)
        assert svar.status_code in (200, 302), f"{url}: {svar.status_code} ({type(modeladmin).__name__})"
