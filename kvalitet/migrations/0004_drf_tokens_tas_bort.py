# DRF:s tokens (rest_framework.authtoken) lagrade nyckeln i klartext. De ersätts av django-rest-knox, som
# bara lagrar en hash; de gamla nycklarna tas bort och måste skapas på nytt med create_api_token.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("kvalitet", "0003_kvalitetsarbete"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunSQL(
            [
                "DROP TABLE IF EXISTS authtoken_token",
                "DELETE FROM django_migrations WHERE app = 'authtoken'",
            ],
            reverse_sql=migrations.RunSQL.noop,
        ),
    ]
