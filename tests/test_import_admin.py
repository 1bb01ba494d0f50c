"""The admin's "Import" for resources and organisations, as a moderator uses it: the button, the
preview before anything is written, the confirmation, the choices, and bad files refused with a
reason and nothing written."""

import codecs
import json
import re
import tempfile
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opendata.exports import RESOURCE_FIELDS
from organizations.models import Organization
from resources.models import Resource

from .importing import build_catalogue, csv_rows, export_csv, wipe_content, write_csv

pytestmark = pytest.mark.django_db
IMPORT = {"resource": "admin:resources_resource_import",
          "organization": "admin:organizations_organization_import"}  # fmt: skip
CSV, JSON = "0", "1"  # the formats' places on the form


def upload(client, model, data: bytes, name="export.csv", fmt=CSV, **choices):
    form = {"import_file": SimpleUploadedFile(name, data), "format": fmt, "resource": "0",
            "status": choices.pop("status", "published"), **choices}  # fmt: skip
    return client.post(reverse(IMPORT[model]), form)


def confirm(client, preview, model="resource"):
    data = {field.name: field.value() for field in preview.context["confirm_form"]}
    data = {name: value for name, value in data.items() if value not in (None, False)}
    return client.post(reverse(IMPORT[model].replace("_import", "_process_import")), data,
                       follow=True)  # fmt: skip


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def has_import_button(response, model) -> bool:
    return re.search(f"<a href=[\"']{reverse(IMPORT[model])}[\"'][^>]*>Import</a>",
                     response.text) is not None  # fmt: skip


@pytest.fixture
def catalogue(client):
    build_catalogue()
    files = {path: export_csv(client, path) for path in ("/resources.csv", "/organizations.csv")}
    files["/resources.json"] = client.get("/resources.json").content
    wipe_content()
    return files


@pytest.mark.parametrize("model", ["resource", "organization"])
def test_the_change_lists_have_an_import_button(admin_client, model):
    app = "resources" if model == "resource" else "organizations"
    response = admin_client.get(reverse(f"admin:{app}_{model}_changelist"))

    assert has_import_button(response, model)
    assert admin_client.get(reverse(IMPORT[model])).status_code == 200


def test_the_resource_admin_keeps_upkeeps_columns_and_buttons_beside_the_import(admin_client):
    make = Resource.objects.create(title="A", kind="video", summary="S.", status="published",
                                   published_at="2024-01-01T00:00:00Z")  # fmt: skip
    response = admin_client.get(reverse("admin:resources_resource_changelist"))
    page = admin_client.get(reverse("admin:resources_resource_change", args=[make.pk]))

    assert "Link health" in response.text and "Last reviewed" in response.text
    assert has_import_button(response, "resource")
    assert "Mark reviewed today" in page.text


def test_a_moderator_previews_then_confirms_and_the_catalogue_is_imported(admin_client, catalogue):
    preview = upload(admin_client, "organization", catalogue["/organizations.csv"])
    assert "2 new" in text(preview) and "Confirm import" in text(preview)
    assert not Organization.objects.exists()  # a preview writes nothing
    done = confirm(admin_client, preview, "organization")
    assert "Imported: 2 new, 0 changed" in text(done)

    preview = upload(admin_client, "resource", catalogue["/resources.json"], "page.json", JSON)
    assert "4 new" in text(preview) and not Resource.objects.exists()
    done = confirm(admin_client, preview)

    assert "Imported: 4 new, 0 changed, 0 unchanged" in text(done)
    assert Resource.objects.published().count() == 4
    assert admin_client.get("/resources.json").json()["count"] == 4


def test_the_preview_shows_each_invalid_row_with_its_line_and_offers_no_confirmation(
    admin_client, catalogue
):
    Organization.objects.create(name="Center for Victims of Torture", slug="cvt", kind="network")
    rows = csv_rows(catalogue["/resources.csv"])
    rows[2]["kind"] = "nonsense"

    preview = upload(admin_client, "resource", write_csv(rows, RESOURCE_FIELDS))

    page = text(preview)
    assert "2 invalid" in page and "Confirm import" not in page
    assert (
        "line 2" in page and "No organisation here is called “International Rehabilitation" in page
    )
    assert "line 4" in page and "kind: Value &#x27;nonsense&#x27; is not a valid choice." in page
    assert "Nothing will be written while a row is invalid" in page
    copy = preview.context["form"].cleaned_data["import_file"].tmp_storage_name
    assert not Path(tempfile.gettempdir(), Path(copy).name).exists()  # no file left behind

    skipping = upload(admin_client, "resource", write_csv(rows, RESOURCE_FIELDS),
                      skip_invalid="on", status="pending")  # fmt: skip
    assert "Confirm import" in text(skipping)
    assert "The 2 invalid rows are skipped; the others are imported." in text(skipping)
    done = confirm(admin_client, skipping)
    assert "2 invalid rows were not imported" in text(done)
    assert set(Resource.objects.values_list("slug", "status")) == {
        ("protocole-istanbul", "pending"),
        ("group-work", "pending"),
    }


def test_what_changed_between_preview_and_confirmation_writes_nothing(admin_client, catalogue):
    Organization.objects.create(name="Center for Victims of Torture", slug="cvt", kind="network")
    Organization.objects.create(name="International Rehabilitation Council for Torture Victims",
                                slug="irct", kind="network")  # fmt: skip
    preview = upload(admin_client, "resource", catalogue["/resources.csv"])
    assert "Confirm import" in text(preview)
    Organization.objects.filter(slug="cvt").delete()

    done = confirm(admin_client, preview)

    assert "Nothing was imported" in text(done) and "invalid" in text(done)
    assert not Resource.objects.exists()


def latin1(catalogue):
    return catalogue["/resources.csv"].decode("utf-8-sig").replace(
        "Le Protocole", "Le Protocole é").encode("latin-1", errors="replace")  # fmt: skip


BAD_FILES = {
    "UTF-16": (
        lambda c: codecs.BOM_UTF16_LE + c["/resources.csv"].decode("utf-8-sig").encode("utf-16-le"),
        "The file is UTF-16",
    ),
    "Latin-1": (latin1, "The file is not UTF-8: line 5 has the byte 0xE9"),
    "a formula": (
        lambda c: c["/resources.csv"].replace(b"'=SUM", b"=SUM"),
        "Found: line 4, column 4 (title): “=SUM(1+1) is not a formula”",
    ),
    "an open quote": (
        lambda c: c["/resources.csv"] + b'1,"open quote\n',
        "The file is not well-formed CSV: line 6",
    ),
    "other columns": (
        lambda c: b"title,link\nA,https://a.example\n",
        "These are not the columns of our resources export (missing id, slug",
    ),
    "no rows": (
        lambda c: c["/resources.csv"].split(b"\r\n")[0] + b"\r\n",
        "The file has no resources in it",
    ),
    "JSON as CSV": (lambda c: c["/resources.json"], "These are not the columns"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_a_clear_error_and_nothing_written(admin_client, catalogue,
                                                                      case):  # fmt: skip
    make_bytes, message = BAD_FILES[case]

    response = upload(admin_client, "resource", make_bytes(catalogue))

    assert response.status_code == 200
    assert "Nothing was imported. Please correct the error below." in text(response)
    assert message in text(response).replace("&#x27;", "'").replace("&quot;", '"')
    assert "Confirm import" not in text(response) and not Resource.objects.exists()


@pytest.mark.parametrize("data", [b"{not json", b'{"results": 3}', b"[1, 2]"])
def test_json_that_is_not_a_page_of_our_export_is_refused(admin_client, data):
    response = upload(admin_client, "resource", data, "page.json", JSON)

    assert response.status_code == 200
    assert ("not valid JSON: line 1, column 2" in text(response)
            or "not a page of our resources export" in text(response))  # fmt: skip


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(admin_client, settings, catalogue):
    settings.MAX_IMPORT_BYTES = 1024 * 1024

    response = upload(admin_client, "resource", catalogue["/resources.csv"] + b" " * 1572864)

    assert "The file is 1.5 MB; files up to 1 MB can be imported. Split it" in text(response)
    assert not Resource.objects.exists()


def test_a_confirmation_whose_file_is_gone_says_so(admin_client, catalogue):
    preview = upload(admin_client, "organization", catalogue["/organizations.csv"])
    data = {field.name: field.value() for field in preview.context["confirm_form"] if field.value()}
    data["import_file_name"] = "no-such-file"

    done = admin_client.post(reverse("admin:organizations_organization_process_import"), data,
                             follow=True)  # fmt: skip

    assert "The uploaded file is no longer here: upload it again." in text(done)
    assert not Organization.objects.exists()


def test_moderators_may_import_and_other_staff_may_not(client):
    user = get_user_model().objects.create_user("staff", "staff@example.org", "pw",
                                                is_staff=True)  # fmt: skip
    client.force_login(user)
    changelist = reverse("admin:resources_resource_changelist")
    assert client.get(reverse(IMPORT["resource"])).status_code == 403

    user.groups.add(Group.objects.get(name="Moderators"))
    user = get_user_model().objects.get(pk=user.pk)
    client.force_login(user)

    assert user.has_perm("resources.import_resource")
    assert user.has_perm("organizations.import_organization")
    assert client.get(reverse(IMPORT["resource"])).status_code == 200
    assert has_import_button(client.get(changelist), "resource")


def test_json_cells_of_the_wrong_type_are_invalid_rows_not_errors(admin_client, catalogue):
    page = json.loads(catalogue["/resources.json"])
    odd = {"slug": "odd", "title": ["a list"], "date": 5, "ce_credit": "yes", "topics": [1, 2],
           "language_versions": "abc", "link": "nope"}  # fmt: skip
    odd = page["results"][0] | odd
    page["results"] = [odd]

    response = upload(admin_client, "resource", json.dumps(page).encode(), "page.json", JSON)

    page = text(response)
    assert response.status_code == 200 and "1 invalid" in page
    for message in [
        "title: Expected text.",
        "date: Expected a date such as 2024-05-01",
        "ce_credit: Expected true or false",
        "topics: Expected a list of names.",
        "“abc” is not the id of a resource in the file",
        "link: Enter a valid URL.",
    ]:
        assert message in page.replace("&#x27;", "'")


def test_a_confirmation_with_a_status_not_offered_writes_nothing(admin_client, catalogue):
    preview = upload(admin_client, "organization", catalogue["/organizations.csv"])
    data = {field.name: field.value() for field in preview.context["confirm_form"] if field.value()}
    data["status"] = "archived"

    response = admin_client.post(reverse("admin:organizations_organization_process_import"), data)

    assert response.status_code == 200 and "archived is not one of the available" in text(response)
    assert not Organization.objects.exists()
