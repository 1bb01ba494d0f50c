"""Importing a catalogue: a file of our own exports, read back into resources and organisations,
gives the same published content; the preview tells new, changed, duplicate and invalid rows
apart, with their lines; nothing is half-written."""

import json

import pytest
from django.contrib.admin.models import LogEntry

from opendata.exports import RESOURCE_FIELDS
from resources.models import Resource, Series
from thesaurus.models import Topic

from .factories import make_organization, make_resource
from .importing import (
    build_catalogue,
    comparable,
    csv_rows,
    export_csv,
    run_import,
    wipe_content,
    write_csv,
)

pytestmark = pytest.mark.django_db


def exported(client) -> dict:
    return {
        "resources": export_csv(client, "/resources.csv"),
        "organizations": export_csv(client, "/organizations.csv"),
        "resources.json": client.get("/resources.json").content,
        "organizations.json": client.get("/organizations.json").content,
    }


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_into_an_empty_database_gives_the_same_published_content(client, fmt):
    build_catalogue()
    before = exported(client)
    wipe_content()
    assert not Resource.objects.exists()

    suffix = "" if fmt == "csv" else ".json"
    organizations = run_import("organizations", fmt, before[f"organizations{suffix}"])
    resources = run_import("resources", fmt, before[f"resources{suffix}"])

    assert not organizations.has_validation_errors() and not resources.has_errors()
    assert resources.report.counts["new"] == 4 and organizations.report.counts["new"] == 2
    after = exported(client)
    assert comparable(csv_rows(after["resources"])) == comparable(csv_rows(before["resources"]))
    assert comparable(csv_rows(after["organizations"])) == comparable(
        csv_rows(before["organizations"])
    )
    old, new = (json.loads(data)["results"] for data in (before["resources.json"],
                                                         after["resources.json"]))  # fmt: skip
    assert comparable(new) == comparable(old)
    # The formula-looking text came back as text, escaped again in the CSV.
    titles = {row["slug"]: row["title"] for row in csv_rows(after["resources"])}
    assert titles["sum"] == "'=SUM(1+1) is not a formula"
    assert Resource.objects.get(slug="sum").title == "=SUM(1+1) is not a formula"


def test_importing_the_same_file_again_changes_nothing(client):
    build_catalogue()
    data = export_csv(client, "/resources.csv")

    result = run_import("resources", "csv", data)

    assert dict(result.report.counts) == {"new": 0, "changed": 0, "unchanged": 4,
                                          "duplicate": 0, "invalid": 0}  # fmt: skip
    assert Resource.objects.count() == 7


def test_the_preview_counts_new_changed_duplicate_and_invalid_rows_and_writes_nothing(client):
    build_catalogue()
    by_slug = {row["slug"]: row for row in csv_rows(export_csv(client, "/resources.csv"))}
    by_slug["group-work"]["summary"] = "A new summary."  # changed
    rows = [row for slug, row in by_slug.items() if slug != "istanbul-protocol-explained"]
    new = dict(by_slug["sum"], slug="brand-new", title="A brand new guide",
               link="https://new.example/guide", language_versions="")  # fmt: skip
    duplicate = dict(new, slug="copy", title="Another name", link="https://www.EXAMPLE.org/ip/"
                     "?a=1&b=2&utm_source=x")  # same normalised link as the video  # fmt: skip
    invalid = dict(new, slug="bad", title="Bad row", kind="podcastish", topics="Nonexistent topic",
                   link="https://bad.example")  # fmt: skip
    data = write_csv([*rows, new, duplicate, invalid], RESOURCE_FIELDS)
    count = Resource.objects.count()

    result = run_import("resources", "csv", data, dry_run=True, skip_invalid=True)

    report = result.report
    assert dict(report.counts) == {"new": 1, "changed": 1, "unchanged": 2, "duplicate": 1,
                                   "invalid": 1}  # fmt: skip
    assert report.rows["changed"][0]["details"] == ["Changes summary."]
    ((where, label, details, link),) = [tuple(r.values()) for r in report.rows["duplicate"]]
    assert (where, label) == ("line 6", "Another name")
    assert "The same link as “The Istanbul Protocol explained”" in details[0]
    video = Resource.objects.get(slug="istanbul-protocol-explained")
    assert link == f"/admin/resources/resource/{video.pk}/change/"
    (bad,) = report.rows["invalid"]
    assert bad["where"] == "line 7"
    assert any(d.startswith("kind: ") and "podcastish" in d for d in bad["details"])
    assert any(
        d.startswith("topics: No topic is called “Nonexistent topic”") for d in bad["details"]
    )
    assert Resource.objects.count() == count
    assert Resource.objects.get(slug="group-work").summary != "A new summary."


def test_one_invalid_row_and_nothing_is_written(client):
    build_catalogue()
    rows = csv_rows(export_csv(client, "/resources.csv"))
    wipe_content()
    make_organization(name="Center for Victims of Torture", slug="cvt")
    data = write_csv(rows, RESOURCE_FIELDS)  # IRCT is not here: the video's row is invalid

    result = run_import("resources", "csv", data)

    assert result.report.counts["invalid"] == 1
    (row,) = result.report.rows["invalid"]
    assert row["details"] == [
        "organizations: No organisation here is called “International Rehabilitation Council "
        "for Torture Victims”: import the organisations first (their own Import), or correct the "
        "name."
    ]
    assert not Resource.objects.exists() and not Series.objects.exists()


def test_skipping_invalid_rows_imports_the_others(client):
    build_catalogue()
    rows = csv_rows(export_csv(client, "/resources.csv"))
    wipe_content()
    make_organization(name="Center for Victims of Torture", slug="cvt")

    result = run_import("resources", "csv", write_csv(rows, RESOURCE_FIELDS), skip_invalid=True)

    assert result.report.counts["invalid"] == 1 and result.report.counts["new"] == 3
    assert set(Resource.objects.values_list("slug", flat=True)) == {
        "protocole-istanbul",
        "group-work",
        "sum",
    }
    assert Resource.objects.get(slug="group-work").organization_names == (
        "Center for Victims of Torture"
    )


def test_new_resources_are_published_or_pending_as_the_moderator_chose(client):
    build_catalogue()
    data = export_csv(client, "/resources.csv")
    published_at = Resource.objects.get(slug="group-work").published_at
    wipe_content()
    make_organization(name="Center for Victims of Torture", slug="cvt")
    rows = [row for row in csv_rows(data) if row["slug"] in {"group-work", "sum"}]

    run_import("resources", "csv", write_csv(rows[:1], RESOURCE_FIELDS), status="pending")
    run_import("resources", "csv", write_csv(rows[1:], RESOURCE_FIELDS), status="published")

    pending, published = Resource.objects.get(slug="group-work"), Resource.objects.get(slug="sum")
    assert (pending.status, pending.published_at) == ("pending", None)
    assert published.is_published
    assert client.get("/resources.json").json()["count"] == 1
    assert published_at is not None


def test_a_duplicate_is_reported_and_not_created_twice(client):
    make_resource(title="The Istanbul Protocol: Questions and Answers", slug="ip-qa",
                  url="https://irct.org/ip-qa", summary="Q&A.")  # fmt: skip
    rows = csv_rows(export_csv(client, "/resources.csv"))
    title_twin = dict(rows[0], slug="ip-video", title="Istanbul Protocol Q&A video",
                      link="https://elsewhere.example/video")  # fmt: skip
    link_twin = dict(rows[0], slug="ip-again", title="Something else entirely",
                     link="http://www.irct.org/ip-qa/#top")  # fmt: skip
    in_file = dict(rows[0], slug="new-one", title="A new one", link="https://new.example/1")
    in_file_twice = dict(in_file, slug="new-one-again", title="A new one (again)")

    rows = [title_twin, link_twin, in_file, in_file_twice]

    result = run_import("resources", "csv", write_csv(rows, RESOURCE_FIELDS))

    details = [row["details"][0] for row in result.report.rows["duplicate"]]
    assert details == [
        "A title like “The Istanbul Protocol: Questions and Answers”, already listed.",
        "The same link as “The Istanbul Protocol: Questions and Answers”, already listed.",
        "The same link as line 4 of this file.",
    ]
    assert sorted(Resource.objects.values_list("slug", flat=True)) == ["ip-qa", "new-one"]


def test_unknown_series_are_created_and_topics_are_found_by_their_labels(client):
    topic = Topic.objects.create(name="Mental health", slug="mental-health")
    topic.concept.labels.create(language="fr", kind="pref", text="Santé mentale")
    rows = [dict.fromkeys(RESOURCE_FIELDS, "") | {
        "slug": "sante", "title": "Santé mentale des survivants", "kind": "guide",
        "summary": "Un guide.", "language": "fr", "access": "free", "ce_credit": "false",
        "topics": "santé  MENTALE", "series": "A new series"}]  # fmt: skip

    result = run_import("resources", "csv", write_csv(rows, RESOURCE_FIELDS))

    assert result.report.counts["new"] == 1, result.report.rows["invalid"]
    resource = Resource.objects.get(slug="sante")
    assert list(resource.topics.values_list("name", flat=True)) == ["Mental health"]
    assert resource.series.name == "A new series" and resource.topic_names == "Mental health"


def test_a_changed_row_is_written_with_its_relations_its_history_and_what_search_reads(client):
    build_catalogue()
    rows = csv_rows(export_csv(client, "/resources.csv"))
    (row,) = [row for row in rows if row["slug"] == "group-work"]
    row |= {"summary": "A better summary.", "topics": "Children", "series": "A series new here"}

    result = run_import("resources", "csv", write_csv([row], RESOURCE_FIELDS))

    assert result.report.rows["changed"][0]["details"] == ["Changes summary, topics, series."]
    resource = Resource.objects.get(slug="group-work")
    assert (resource.summary, resource.series.name) == ("A better summary.", "A series new here")
    assert resource.topic_names == "Children" and resource.is_published
    history = LogEntry.objects.filter(object_id=str(resource.pk), object_repr=resource.title)
    assert history.filter(change_message="Imported from resources.csv.").exists()
    found = client.get("/resources.json", {"topic": "children"}).json()["results"]
    assert "group-work" in [r["slug"] for r in found]
    assert [r["summary"] for r in found if r["slug"] == "group-work"] == ["A better summary."]


def test_the_preview_writes_nothing_not_even_a_series(client):
    build_catalogue()
    rows = csv_rows(export_csv(client, "/resources.csv"))
    wipe_content()
    for row in rows:
        row |= {"organizations": "", "series": "Series of the preview"}

    result = run_import("resources", "csv", write_csv(rows, RESOURCE_FIELDS), dry_run=True)

    assert result.report.counts["new"] == 4
    assert not Resource.objects.exists() and not Series.objects.exists()
    assert not LogEntry.objects.exists()
