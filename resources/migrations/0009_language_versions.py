"""Language versions: each is a resource of its own, linked to one of them (its original)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("resources", "0008_link_checks")]

    operations = [
        migrations.AddField(
            model_name="resource",
            name="original",
            field=models.ForeignKey(
                blank=True,
                help_text="The same resource in another language, if this is a translation or "
                "language version of it. Each language version is a resource of its own.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="translations",
                to="resources.resource",
                verbose_name="a version of",
            ),
        ),
        migrations.AddConstraint(
            model_name="resource",
            constraint=models.CheckConstraint(
                condition=~models.Q(original=models.F("pk")), name="resource_not_its_own_version"
            ),
        ),
    ]
