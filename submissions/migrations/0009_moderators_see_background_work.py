"""Moderators see the background jobs that the admin's front page summarises ("Background work"):
the list of jobs with their errors, and each job's events (view only: retrying or cancelling a
job is for superusers)."""

from django.db import migrations

GROUP = "Moderators"
# app label -> model -> actions
PERMISSIONS = {
    "procrastinate": {"procrastinatejob": ["view"], "procrastinateevent": ["view"]},
}


def _permissions(apps):
    from django.contrib.auth.management import create_permissions

    # On a fresh database permissions are created only after all migrations (post_migrate).
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    wanted = {
        (label, f"{action}_{model}")
        for label, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }
    found = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=list(PERMISSIONS)
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted
    ]
    if len(found) != len(wanted):
        raise RuntimeError(f"Permissions not found among {sorted(wanted)}")
    return found


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("procrastinate", "0041_post_retry_failed_job"),
        ("submissions", "0008_outbox_and_reports_moved"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
