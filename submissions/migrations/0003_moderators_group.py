"""The "Moderators" group, with exactly the permissions moderation and curation need.

No permission on users, groups or permissions, and no deletions beyond taking an entry out of a
guide or a file off a resource: a moderator cannot manage accounts, and cannot remove resources
or the history of decisions.
"""

from django.db import migrations

GROUP = "Moderators"

# app label -> model -> actions
PERMISSIONS = {
    "submissions": {
        "submission": ["view", "change"],
        "decisionrecord": ["view"],
        "contactmessage": ["view", "change"],
        "outboxmessage": ["view"],
    },
    "resources": {
        model: ["view", "add", "change"]
        for model in (
            "resource",
            "resourcefile",
            "guide",
            "guideitem",
            "topic",
            "audience",
            "region",
            "series",
        )
    },
    "organizations": {"organization": ["view", "add", "change"]},
}
PERMISSIONS["resources"]["guideitem"].append("delete")
PERMISSIONS["resources"]["resourcefile"].append("delete")


def wanted():
    return {
        (app_label, f"{action}_{model}")
        for app_label, models in PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions
    }


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # On a fresh database, permissions are created only after all migrations have run (by the
    # post_migrate signal): create them now for the apps whose permissions the group needs.
    for label in PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = [
        permission
        for permission in Permission.objects.filter(
            content_type__app_label__in=list(PERMISSIONS)
        ).select_related("content_type")
        if (permission.content_type.app_label, permission.codename) in wanted()
    ]
    missing = wanted() - {(p.content_type.app_label, p.codename) for p in permissions}
    if missing:
        raise RuntimeError(f"Permissions not found: {sorted(missing)}")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0002_initial"),
        ("resources", "0006_duplicate_keys"),
        ("submissions", "0002_moderation"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
