"""Resource, organisation, topic, guide and home pages as a practitioner reads them."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from organizations.models import Organization
from resources.models import Guide, GuideItem, Resource
from thesaurus.models import Region

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db


def json_ld(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    return json.loads(match.group(1))


def test_a_live_session_shows_its_own_time_zone_and_utc(client):
    resource = make_resource(
        title="Measured Impact webinar",
        kind=Resource.Kind.WEBINAR,
        starts_at=dt.datetime(2030, 9, 20, 17, 0, tzinfo=dt.UTC),
        ends_at=dt.datetime(2030, 9, 20, 18, 0, tzinfo=dt.UTC),
        timezone="America/Chicago",
        registration_url="https://example.org/register",
    )

    response = client.get(resource.get_absolute_url())

    assert "Friday 20 September 2030, 12:00–13:00 CDT" in response.text
    assert "(20 Sep, 17:00 UTC)" in response.text
    assert "Register" in response.text
    data = json_ld(response)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2030-09-20T17:00:00+00:00"


def test_a_resource_page_has_what_a_practitioner_needs_to_decide(client):
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT")
    resource = make_resource(
        title="Identifying the torture of children",
        kind=Resource.Kind.ON_DEMAND_TRAINING,
        summary="A four-part training.",
        description="Module 1 covers **what we know**.",
        content_note="Describes the torture of children.",
        organizations=[cvt],
        topics=["Children"],
        presenters="Jeffrey Goldhagen, ISSOP",
        ce_credit=True,
        url="https://example.org/training",
        last_reviewed_at=dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC),
    )

    response = client.get(resource.get_absolute_url())
    text = response.text

    assert text.index("Content note") < text.index("<strong>what we know</strong>")
    for expected in ["Center for Victims of Torture", "Jeffrey Goldhagen, ISSOP", "Children",
                     "Offered", "15 January 2026", 'href="https://example.org/training"',
                     'property="og:title" content="Identifying the torture of children"',
                     "mailto:?subject=Identifying%20the%20torture%20of%20children"]:  # fmt: skip
        assert expected in text, expected
    data = json_ld(response)
    assert data["@type"] == "LearningResource"
    assert data["publisher"][0]["name"] == "Center for Victims of Torture"


def test_json_ld_cannot_break_out_of_its_script(client):
    resource = make_resource(title="</script><script>alert(1)</script>")

    response = client.get(resource.get_absolute_url())

    assert "</script><script>alert(1)" not in response.text
    assert json_ld(response)["name"] == "</script><script>alert(1)</script>"


def test_related_resources_come_from_the_series_follow_ups_and_shared_topics(client):
    webinar = make_resource(title="Complex care webinar", topics=["Complex care"])
    follow_up = make_resource(title="Complex care e-consultation")
    webinar.related.add(follow_up)
    neighbour = make_resource(title="Another complex care talk", topics=["Complex care"])
    make_resource(title="Unrelated", topics=["Telehealth"])
    make_resource(title="Hidden complex care", topics=["Complex care"],
                  status=Resource.Status.DRAFT)  # fmt: skip

    response = client.get(webinar.get_absolute_url())

    assert [r.title for r in response.context["follow_ups"]] == ["Complex care e-consultation"]
    assert [r.title for r in response.context["same_topics"]] == ["Another complex care talk"]
    assert neighbour.title in response.text
    assert "Hidden complex care" not in response.text


def test_the_topic_page_is_the_search_page_with_the_topic_chosen(client):
    make_resource(title="Telehealth at a distance", topics=["Telehealth"])
    make_resource(title="Group work", topics=["Group work"])

    response = client.get(reverse("search:topic", args=["telehealth"]))

    assert response.status_code == 200
    assert [r.title for r in response.context["resources"]] == ["Telehealth at a distance"]
    assert '<h1 dir="auto">Telehealth</h1>' in response.text
    assert client.get(reverse("search:topic", args=["nothing-here"])).status_code == 404


@pytest.fixture
def directory():
    denmark = Region.objects.create(name="Denmark", slug="denmark", code="DK")
    nigeria = Region.objects.create(name="Nigeria", slug="nigeria", code="NG")
    irct = make_organization(name="International Rehabilitation Council for Torture Victims",
                             acronym="IRCT", slug="irct", kind=Organization.Kind.NETWORK,
                             headquarters=denmark, is_key=True)  # fmt: skip
    prawa = make_organization(name="Prisoners Rehabilitation and Welfare Action", acronym="PRAWA",
                              slug="prawa", headquarters=nigeria)  # fmt: skip
    prawa.networks.add(irct)
    make_organization(name="Hidden draft centre", status=Organization.Status.DRAFT)
    return {"irct": irct, "prawa": prawa}


def names(response) -> list[str]:
    return [org.name for org in response.context["organizations"]]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, ["International Rehabilitation Council for Torture Victims",
              "Prisoners Rehabilitation and Welfare Action"]),
        ({"q": "prawa"}, ["Prisoners Rehabilitation and Welfare Action"]),
        ({"q": "welfare"}, ["Prisoners Rehabilitation and Welfare Action"]),
        ({"kind": "network"}, ["International Rehabilitation Council for Torture Victims"]),
        ({"country": "nigeria"}, ["Prisoners Rehabilitation and Welfare Action"]),
        ({"network": "irct"}, ["Prisoners Rehabilitation and Welfare Action"]),
        ({"key": "on"}, ["International Rehabilitation Council for Torture Victims"]),
    ],
)  # fmt: skip
def test_the_organisation_directory_searches_and_filters(client, directory, params, expected):
    response = client.get(reverse("organizations:list"), params)

    assert response.status_code == 200
    assert names(response) == expected


def test_an_unknown_organisation_filter_is_explained_beside_its_field(client, directory):
    response = client.get(reverse("organizations:list"), {"country": "atlantis"})

    assert response.status_code == 400
    assert 'class="error"' in response.text
    assert "Select a valid choice" in response.text
    assert len(names(response)) == 2  # the unknown country is ignored, not fatal


def test_an_organisation_page_lists_its_networks_members_and_resources(client, directory):
    make_resource(title="Peer exchanges", organizations=[directory["prawa"]])

    prawa = client.get(directory["prawa"].get_absolute_url()).text
    irct = client.get(directory["irct"].get_absolute_url()).text

    assert "Member of" in prawa and "International Rehabilitation Council" in prawa
    assert "Peer exchanges" in prawa
    assert "Prisoners Rehabilitation and Welfare Action" in irct
    assert "Hidden draft centre" not in irct


def test_a_guide_lists_its_published_resources_in_order_with_notes(client, directory):
    guide = Guide.objects.create(title="Torture of children", slug="children", published=True,
                                 introduction="Why this **matters**.")  # fmt: skip
    guide.key_organizations.add(directory["irct"])
    second = make_resource(title="Module 2")
    first = make_resource(title="Module 1")
    hidden = make_resource(title="Module 3 draft", status=Resource.Status.DRAFT)
    for position, (resource, note) in enumerate(
        [(first, "Start here."), (second, ""), (hidden, "Not yet.")]
    ):
        GuideItem.objects.create(guide=guide, resource=resource, position=position, note=note)

    response = client.get(guide.get_absolute_url())
    text = response.text

    assert text.index("Module 1") < text.index("Module 2")
    assert "Start here." in text
    assert "Module 3 draft" not in text and "Not yet." not in text
    assert "<strong>matters</strong>" in text
    assert "International Rehabilitation Council for Torture Victims" in text


def test_an_unpublished_guide_is_not_found(client):
    guide = Guide.objects.create(title="Draft guide", slug="draft", published=False)
    assert client.get(guide.get_absolute_url()).status_code == 404
    assert "Draft guide" not in client.get(reverse("resources:guides")).text


def test_home_pathways_lead_to_a_guide_or_a_prefiltered_search(client):
    Guide.objects.create(title="New to serving survivors", slug="new-to-serving-survivors",
                         published=True)  # fmt: skip

    response = client.get(reverse("home"))

    urls = [path["url"] for path in response.context["pathways"]]
    search = reverse("search:list")
    assert urls == [
        f"{search}?audience=service-providers",
        reverse("resources:guide", args=["new-to-serving-survivors"]),
        f"{search}?audience=students-researchers",
    ]
    for url in urls:
        assert client.get(url).status_code == 200
