"""The code's layout stays as README.md's "Where things are" says: every app of the project is in
the table (and nothing that is not there), and no Python file of the applications is over 400
lines (migrations aside: they are history, not code to read)."""

import re
from pathlib import Path

import pytest
from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 400


def readme_table() -> set[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Where things are", 1)[1].split("\n## ", 1)[0]
    rows = [row.split("|") for row in section.splitlines() if row.startswith("|")]
    return {path for cells in rows[2:] for path in re.findall(r"`([\w./]+)/`", cells[2])}


def test_the_readme_table_names_every_app_and_only_what_is_there():
    ours = {config.name for config in apps.get_app_configs() if Path(config.path).parent == ROOT}
    named = readme_table()
    assert ours <= named, f"apps missing from README's table: {sorted(ours - named)}"
    assert all((ROOT / path).is_dir() for path in named), sorted(
        path for path in named if not (ROOT / path).is_dir()
    )


def test_no_python_file_of_the_applications_is_over_400_lines():
    ours = [Path(c.path) for c in apps.get_app_configs() if Path(c.path).parent == ROOT]
    long = {
        str(path.relative_to(ROOT)): lines
        for app in ours
        for path in app.rglob("*.py")
        if "migrations" not in path.parts and (lines := len(path.read_text().splitlines())) > LIMIT
    }
    assert not long, f"over {LIMIT} lines: {long}"


@pytest.mark.django_db
def test_the_admin_pages_of_moved_models_lead_to_their_new_addresses(admin_client):
    old = admin_client.get("/admin/submissions/problemreport/12/change/?x=1")
    assert old.status_code == 301
    assert old["Location"] == "/admin/upkeep/problemreport/12/change/?x=1"
    assert admin_client.get("/admin/resources/topic/")["Location"] == "/admin/thesaurus/topic/"
    assert admin_client.get("/admin/submissions/outboxmessage/", follow=True).status_code == 200
