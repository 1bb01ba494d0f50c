"""Moving a model from one app to another without touching its data.

The model keeps its table (``db_table``), so a move is a change of Django's state only
(``SeparateDatabaseAndState``), plus its content type: renamed, not recreated, so that the
permissions given to groups (the Moderators) and the admin's history still point at it.
"""

from django.db import migrations


def move_content_types(old_app: str, new_app: str, models: list[str]) -> migrations.RunPython:
    """The migration operation that gives the content types of ``models`` (lower-case model
    names) to ``new_app``, and back when unapplied."""

    def rename(apps, schema_editor, source: str, target: str) -> None:
        content_type = apps.get_model("contenttypes", "ContentType")
        for model in models:
            if not content_type.objects.filter(app_label=target, model=model).exists():
                content_type.objects.filter(app_label=source, model=model).update(app_label=target)

    return migrations.RunPython(
        lambda apps, editor: rename(apps, editor, old_app, new_app),
        lambda apps, editor: rename(apps, editor, new_app, old_app),
    )
