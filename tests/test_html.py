"""Every kind of page is valid HTML, by the Nu HTML checker (the W3C validator's engine).

The checker is vnu.jar from the npm package vnu-jar, fetched into var/ on first use; skipped, and
said so at the end of the run, without Java or npm (see conftest.py).
"""

import json
import subprocess

import pytest

from .site_pages import build_site, fetch

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def validate(vnu_jar, documents: dict[str, str], folder) -> dict[str, list[dict]]:
    """The checker's errors for each document, in one run of the checker (Java starts once)."""
    files = {}
    for n, (name, text) in enumerate(documents.items()):
        path = folder / f"page-{n}.html"
        path.write_text(text, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run(
        ["java", "-jar", str(vnu_jar), "--format", "json", "--exit-zero-always", "--stdout",
         *[str(folder / f"page-{n}.html") for n in range(len(documents))]],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    errors = {name: [] for name in documents}
    for message in json.loads(result.stdout)["messages"]:
        if message["type"] == "error" or message.get("subType") == "fatal":
            errors[files[message["url"].rsplit("/", 1)[-1]]].append(message)
    return errors


def test_every_kind_of_page_is_valid_html(client, django_user_model, settings, vnu_jar, tmp_path):
    settings.FORM_MIN_SECONDS = 0
    settings.MEDIA_ROOT = tmp_path / "media"
    site = build_site(django_user_model)
    documents = {}
    for page in site.pages:
        response = fetch(client, page)
        assert response.status_code == page.status, page.name
        documents[page.name] = response.content.decode()

    errors = validate(vnu_jar, documents, tmp_path)

    print("\nNu HTML checker, errors per page:")
    for name, found in errors.items():
        print(f"  {len(found):3d}  {name}")
    report = [
        f"{name}: line {m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()}]"
        for name, found in errors.items()
        for m in found
    ]
    assert not report, "\n".join(report)
