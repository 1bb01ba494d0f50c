"""The managed audience vocabulary, present in every database from the start."""

from django.db import migrations

AUDIENCES = [
    ("service-providers", "Service providers", "Anyone working directly with survivors."),
    ("clinicians", "Clinicians", "Physicians, nurses and other medical staff."),
    (
        "mental-health-professionals",
        "Mental-health professionals",
        "Psychologists, psychiatrists, counsellors and therapists.",
    ),
    ("social-workers", "Social workers and case managers", ""),
    ("legal-professionals", "Legal professionals", "Lawyers, legal advocates and asylum officers."),
    ("interpreters", "Interpreters", ""),
    ("programme-managers", "Programme managers", "People who lead and run services."),
    ("new-staff", "New staff", "People new to serving survivors of torture."),
    ("students-researchers", "Students and researchers", ""),
]


def add_audiences(apps, schema_editor):
    Audience = apps.get_model("resources", "Audience")
    for position, (slug, name, description) in enumerate(AUDIENCES):
        Audience.objects.update_or_create(
            slug=slug, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("resources", "0001_initial")]

    operations = [migrations.RunPython(add_audiences, migrations.RunPython.noop)]
