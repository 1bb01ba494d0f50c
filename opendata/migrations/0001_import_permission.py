"""The permission to import a catalogue of resources or organisations (the admin's "Import",
django-import-export's IMPORT_EXPORT_IMPORT_PERMISSION_CODE "import"), given to the Moderators:
they curate the content they would import. Superusers have it as they have every permission."""

from django.db import migrations

GROUP = "Moderators"
# (app label, model, codename, name)
PERMISSIONS = [
    ("resources", "resource", "import_resource", "Can import resources"),
    ("organizations", "organization", "import_organization", "Can import organisations"),
]


def _permissions(apps):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, model, codename, name in PERMISSIONS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        permission, _ = Permission.objects.get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
        found.append(permission)
    return found


def grant(apps, schema_editor):
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(codename__in=[p[2] for p in PERMISSIONS]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("organizations", "0004_vocabularies_in_thesaurus"),
        ("resources", "0015_remove_resource_featured"),
        ("submissions", "0003_moderators_group"),  # which made the group with .set()
    ]

    operations = [migrations.RunPython(grant, revoke)]
