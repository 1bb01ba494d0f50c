"""The demo content: load_demo loads fixtures/demo/*.toml idempotently, and it holds together."""

import re
import shutil
import tomllib
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.postgres.search import SearchQuery
from django.core.management import call_command
from django.core.management.base import CommandError

from organizations.models import Organization, OrganizationTopic
from resources.models import Guide, GuideItem, Resource, Series, TaggedResource
from thesaurus.models import Region, Topic

pytestmark = pytest.mark.django_db

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo"


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def read(name: str, folder: Path = DEMO) -> list[dict]:
    data = tomllib.loads((folder / f"{name}.toml").read_text(encoding="utf-8"))
    (items,) = data.values()
    return items


SNAPSHOT_MODELS = [
    Topic,
    Region,
    Organization,
    Series,
    Resource,
    Guide,
    GuideItem,
    TaggedResource,
    OrganizationTopic,
    Organization.regions_served.through,
    Organization.networks.through,
    Resource.organizations.through,
    Resource.audiences.through,
    Resource.regions.through,
    Resource.related.through,
    Guide.audiences.through,
    Guide.key_organizations.through,
]


def snapshot() -> dict[str, list[dict]]:
    """Every row the loader writes, every column (primary keys and updated_at included)."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in SNAPSHOT_MODELS
    }


def test_loading_twice_gives_identical_rows():
    first_output = load(skip_checks=False)  # as `manage.py load_demo` runs it
    first = snapshot()
    second_output = load()

    assert snapshot() == first
    assert "0 rows created, 0 updated" in second_output
    assert "0 relation sets changed" in second_output
    assert first_output.splitlines()[0].startswith("Demo content: ")


def test_counts_match_the_files_without_duplicates():
    load()
    resources = read("resources")
    assert len(resources) >= 40
    assert Resource.objects.count() == len(resources) == len({r["slug"] for r in resources})
    assert Organization.objects.count() == len(read("organizations"))
    assert Region.objects.count() == len(read("regions"))
    assert Series.objects.count() == len(read("series"))
    assert Guide.objects.count() == len(read("guides"))
    assert Topic.objects.count() == len(read("topics"))


def test_every_reference_in_the_files_resolves_to_the_right_row():
    load()
    for item in read("resources"):
        resource = Resource.objects.get(slug=item["slug"])
        assert set(resource.organizations.values_list("slug", flat=True)) == set(
            item.get("organizations", [])
        ), item["slug"]
        assert set(resource.topics.values_list("name", flat=True)) == set(item.get("topics", []))
        assert set(resource.audiences.values_list("slug", flat=True)) == set(item["audiences"])
        assert set(resource.regions.values_list("slug", flat=True)) == set(item.get("regions", []))
        assert (resource.series.slug if resource.series else None) == item.get("series")
        assert resource.series_position == item.get("series_position")
        related = set(resource.related.values_list("slug", flat=True))
        assert set(item.get("related", [])) <= related
        assert resource.presenter_list == item.get("presenters", [])
    for item in read("organizations"):
        org = Organization.objects.get(slug=item["slug"])
        assert (org.headquarters.slug if org.headquarters else None) == item.get("headquarters")
        assert set(org.networks.values_list("slug", flat=True)) == set(item.get("networks", []))
        assert set(org.regions_served.values_list("slug", flat=True)) == set(
            item.get("regions_served", [])
        )
        assert set(org.topics.values_list("name", flat=True)) == set(item.get("topics", []))
    for item in read("series"):
        assert Series.objects.get(slug=item["slug"]).organization.slug == item["organization"]
    for item in read("guides"):
        guide = Guide.objects.get(slug=item["slug"])
        assert [i.resource.slug for i in guide.items.all()] == [
            i["resource"] for i in item["items"]
        ]
        assert set(guide.key_organizations.values_list("slug", flat=True)) == set(
            item["key_organizations"]
        )


def test_an_unknown_reference_names_the_file_and_item_and_writes_nothing(tmp_path):
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    resources = folder / "resources.toml"
    text = resources.read_text(encoding="utf-8")
    resources.write_text(
        text.replace('organizations = ["cvt-ncb", "hprt"]', 'organizations = ["no-such-org"]', 1),
        encoding="utf-8",
    )

    with pytest.raises(CommandError) as error:
        load(path=folder)

    message = str(error.value)
    assert "resources.toml" in message
    assert "'complex-care-webinar'" in message
    assert "'no-such-org'" in message
    assert not Resource.objects.exists()
    assert not Organization.objects.exists()


def test_a_changed_file_updates_rows_in_place(tmp_path):
    load()
    before = Resource.objects.get(slug="promoting-safety")
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    resources = folder / "resources.toml"
    text = resources.read_text(encoding="utf-8")
    resources.write_text(
        text.replace('title = "Promoting Safety with our Clients"', 'title = "Promoting Safety"')
        .replace('related = ["group-work-webinar"]\n', "")
        .replace('related = ["complex-care-e-consultation", "virtual-patient"]\n', ""),
        encoding="utf-8",
    )

    output = load(path=folder)

    after = Resource.objects.get(slug="promoting-safety")
    assert (after.pk, after.title) == (before.pk, "Promoting Safety")
    assert after.updated_at > before.updated_at
    assert "0 rows created, 1 updated" in output
    group_work = Resource.objects.get(slug="group-work-webinar")
    assert not group_work.related.exists()
    # Written on the other side too: still related.
    complex_care = Resource.objects.get(slug="complex-care-webinar")
    assert set(complex_care.related.values_list("slug", flat=True)) == {
        "complex-care-e-consultation",
        "virtual-patient",
    }


def test_the_children_guide_lists_its_training_in_order_and_its_key_organisations():
    load()
    guide = Guide.objects.published().get(slug="torture-of-children")
    items = list(guide.items.select_related("resource"))

    assert [i.resource.slug for i in items[:4]] == [f"children-module-{n}" for n in range(1, 5)]
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    assert {i.section for i in items[:4]} == {"On-demand training"}
    assert items[0].resource.title.endswith("Module 1: What We Know")
    assert items[0].resource.ce_credit
    assert items[0].resource.content_note
    assert set(guide.key_organizations.values_list("slug", flat=True)) == {
        "center-for-child-policy",
        "omct",
        "society-of-asylum-medicine",
        "un-cat",
        "cvt",
        "apt",
    }
    assert Guide.objects.published().filter(slug="new-to-serving-survivors").exists()


def test_prawa_and_cintras_are_irct_members():
    load()
    irct = Organization.objects.get(slug="irct")

    for slug in ("prawa", "cintras"):
        assert irct in Organization.objects.get(slug=slug).networks.all()
    assert {"prawa", "cintras"} <= set(irct.members.values_list("slug", flat=True))
    assert Organization.objects.get(slug="cvt-ncb").networks.get().slug == "cvt"


def test_each_e_consultation_relates_to_its_webinar():
    load()
    consultations = Resource.objects.filter(kind=Resource.Kind.E_CONSULTATION)

    assert consultations.count() == 2
    for consultation in consultations:
        webinar = Resource.objects.get(
            kind=Resource.Kind.WEBINAR, title=consultation.title.removesuffix(" e-Consultation")
        )
        assert webinar in consultation.related.all()
        assert consultation in webinar.related.all()
        assert webinar.series == consultation.series
        assert webinar.series_position < consultation.series_position


def test_everything_loaded_is_published_with_a_date_that_does_not_move():
    load()
    assert Resource.objects.published().count() == Resource.objects.count()
    assert Organization.objects.published().count() == Organization.objects.count()
    webinar = Resource.objects.get(slug="complex-care-webinar")
    assert webinar.published_at.isoformat() == "2017-09-13T12:00:00+00:00"


def test_search_finds_the_istanbul_protocol_qa():
    load()
    query = SearchQuery("istanbul protocol", config="english", search_type="websearch")
    found = Resource.objects.published().filter(search_vector=query)

    assert found.filter(slug="istanbul-protocol-qa").exists()
    # Organisation names reach the search column too.
    assert (
        Resource.objects.published()
        .filter(search_vector=SearchQuery("PRAWA", config="english"))
        .filter(slug="insights-nigeria-cat-review")
        .exists()
    )


def test_the_content_follows_the_house_rules():
    resources = read("resources")
    for item in resources:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item["slug"]), item["slug"]
        assert len(item["summary"].strip()) <= 300, item["slug"]
        assert item.get("language", "en") == "en"
    declared = {t["name"] for t in read("topics")}
    used = {t for item in resources + read("organizations") for t in item.get("topics", [])}
    assert used == declared  # no topic declared and never used
    assert 25 <= len(declared) <= 45
    for org in read("organizations"):
        assert org["description"].strip(), org["slug"]
