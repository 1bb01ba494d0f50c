"""The review date becomes a moment with a time (``last_reviewed_at``), set by the moderators'
"mark reviewed" action. Dates already recorded are kept (midnight UTC of that day); resources
never reviewed stay null, shown as "Not reviewed yet"."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0006_duplicate_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(
            model_name="resource", old_name="last_reviewed_on", new_name="last_reviewed_at"
        ),
        migrations.AlterField(
            model_name="resource",
            name="last_reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last reviewed"),
        ),
        migrations.AlterField(
            model_name="resource",
            name="last_reviewed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="last reviewed by",
            ),
        ),
    ]
