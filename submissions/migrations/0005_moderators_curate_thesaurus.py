"""Moderators curate the thesaurus: concepts (add, change, merge) and their labels (all four)."""

from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = {
    "concept": ["view", "add", "change"],
    "label": ["view", "add", "change", "delete"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("thesaurus")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    codenames = [
        f"{action}_{model}" for model, actions in PERMISSIONS.items() for action in actions
    ]
    permissions = list(
        Permission.objects.filter(content_type__app_label="thesaurus", codename__in=codenames)
    )
    if len(permissions) != len(codenames):
        raise RuntimeError("Thesaurus permissions not found")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP).first()
    if group:
        group.permissions.remove(*group.permissions.filter(content_type__app_label="thesaurus"))


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0004_problem_reports"),
        ("thesaurus", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
