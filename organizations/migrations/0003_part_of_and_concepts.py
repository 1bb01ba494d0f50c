"""Organisations are concepts of the thesaurus, and can be part of others ("networks", now
"part of"): each keeps the published organisations it is part of, at any depth, in ancestor_ids.
"""

import django.contrib.postgres.fields
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def link_concepts(apps, schema_editor):
    """Give every organisation a concept of its own, named after it in English."""
    Organization = apps.get_model("organizations", "Organization")
    Concept = apps.get_model("thesaurus", "Concept")
    Label = apps.get_model("thesaurus", "Label")
    taken = {
        text.lower()
        for text in Label.objects.filter(language="en", kind="pref").values_list("text", flat=True)
    }
    for organization in Organization.objects.filter(concept=None).order_by("pk"):
        uri = f"{settings.THESAURUS_NAMESPACE}organization/{organization.slug}"
        if Concept.objects.filter(uri=uri).exists():
            uri = f"{uri}-{organization.pk}"
        concept = Concept.objects.create(uri=uri, kind="organization")
        kind = "alt" if organization.name.lower() in taken else "pref"
        taken.add(organization.name.lower())
        Label.objects.create(concept=concept, language="en", kind=kind, text=organization.name)
        if organization.acronym:
            Label.objects.get_or_create(
                concept=concept,
                language="en",
                text=organization.acronym,
                defaults={"kind": "acronym"},
            )
        organization.concept = concept
        organization.save(update_fields=["concept"])


def fill_ancestors(apps, schema_editor):
    Organization = apps.get_model("organizations", "Organization")
    published = set(Organization.objects.filter(status="published").values_list("pk", flat=True))
    parents = {}
    for child, parent in Organization.networks.through.objects.values_list(
        "from_organization_id", "to_organization_id"
    ):
        parents.setdefault(child, set()).add(parent)
    for organization in Organization.objects.all():
        found, todo = set(), list(parents.get(organization.pk, ()))
        while todo:
            parent = todo.pop()
            if parent not in found and parent != organization.pk:
                found.add(parent)
                todo.extend(parents.get(parent, ()))
        organization.ancestor_ids = sorted(found & published)
        organization.save(update_fields=["ancestor_ids"])


class Migration(migrations.Migration):
    dependencies = [
        ("organizations", "0002_initial"),
        ("thesaurus", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="ancestor_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.IntegerField(),
                blank=True,
                default=list,
                editable=False,
                size=None,
            ),
        ),
        migrations.AddField(
            model_name="organization",
            name="concept",
            field=models.OneToOneField(
                blank=True,
                help_text="Its labels in every language, synonyms and acronyms: what search finds it by.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="%(class)s",
                to="thesaurus.concept",
                verbose_name="thesaurus concept",
            ),
        ),
        migrations.AlterField(
            model_name="organization",
            name="networks",
            field=models.ManyToManyField(
                blank=True,
                help_text="Organisations this one is part of: the NGO a project belongs to, the network a centre is a member of (e.g. IRCT). Their pages list this one's resources too.",
                related_name="members",
                to="organizations.organization",
                verbose_name="part of",
            ),
        ),
        migrations.RunPython(link_concepts, migrations.RunPython.noop),
        migrations.RunPython(fill_ancestors, migrations.RunPython.noop),
    ]
