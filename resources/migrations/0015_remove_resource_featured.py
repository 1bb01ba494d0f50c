"""A resource's "featured" tick is gone: no page ever read it (guides keep theirs, which the home
page shows)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0014_vocabularies_in_thesaurus"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="resource",
            name="featured",
        ),
    ]
