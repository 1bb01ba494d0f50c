"""Keep the short description as the submitter typed it. For earlier proposals it is known only
where nobody has edited the resource since it was proposed (its summary is still the typed one);
the others say it was not kept."""

from datetime import timedelta

from django.db import migrations, models
from django.db.models import F


def keep_unedited(apps, schema_editor):
    Submission = apps.get_model("submissions", "Submission")
    unedited = Submission.objects.filter(
        resource__updated_at__lte=F("created_at") + timedelta(seconds=5)
    )
    for submission in unedited.select_related("resource").only("pk", "resource__summary"):
        Submission.objects.filter(pk=submission.pk).update(
            summary_as_typed=submission.resource.summary
        )


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0006_moderators_work_problem_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="summary_as_typed",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(keep_unedited, migrations.RunPython.noop),
    ]
