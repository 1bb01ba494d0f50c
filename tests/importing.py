"""Helpers of the catalogue import's tests: a catalogue built with the factories, the public
exports read back, files written, and an import run through the import classes."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.contrib.auth import get_user_model

from opendata.import_files import ORGANIZATION_FORMATS, RESOURCE_FORMATS
from opendata.organization_import import OrganizationImport
from opendata.resource_import import ResourceImport
from organizations.models import Organization
from resources.models import Resource, Series
from thesaurus.models import Audience, Region

from .factories import make_organization, make_resource


def build_catalogue() -> dict:
    """Published resources and organisations using every exported field, and some unpublished
    content that no export may carry."""
    mexico = Region.objects.create(name="Mexico", slug="mexico", code="MX")
    denmark = Region.objects.create(name="Denmark", slug="denmark", code="DK")
    irct = make_organization(name="International Rehabilitation Council for Torture Victims",
                             acronym="IRCT", slug="irct", headquarters=denmark,
                             website="https://irct.org", is_key=True,
                             kind=Organization.Kind.NETWORK)  # fmt: skip
    cvt = make_organization(name="Center for Victims of Torture", acronym="CVT", slug="cvt",
                            website="https://cvt.org")  # fmt: skip
    cvt.networks.add(irct)
    cvt.regions_served.add(mexico, denmark)
    make_organization(name="A draft organisation", slug="draft-org",
                      status=Organization.Status.DRAFT)  # fmt: skip
    series = Series.objects.create(name="Measured Impact", slug="measured-impact")
    clinicians = Audience.objects.get(slug="clinicians")
    video = make_resource(
        title="The Istanbul Protocol explained", slug="istanbul-protocol-explained",
        summary="Documenting torture for courts.", url="https://example.org/ip?b=2&a=1",
        topics=["Istanbul Protocol", "Children"], organizations=[irct, cvt],
        date=dt.date(2024, 5, 1), presenters="Jeffrey Goldhagen, ISSOP\nSecond Presenter, CVT",
        ce_credit=True, series=series, access=Resource.Access.REGISTRATION,
        published_at=dt.datetime(2024, 5, 2, 9, 30, tzinfo=dt.UTC),
    )  # fmt: skip
    video.audiences.add(clinicians)
    video.regions.add(mexico)
    french = make_resource(
        title="Le Protocole d'Istanbul expliqué", slug="protocole-istanbul", language="fr",
        summary="Documenter la torture.", url="https://example.org/fr/ip", original=video,
        topics=["Istanbul Protocol"],
    )  # fmt: skip
    webinar = make_resource(
        title="Group work with survivors", kind=Resource.Kind.WEBINAR, slug="group-work",
        summary="+1 a formula-looking summary", organizations=[cvt],
        starts_at=dt.datetime(2025, 5, 1, 17, tzinfo=dt.UTC),
        ends_at=dt.datetime(2025, 5, 1, 18, 30, tzinfo=dt.UTC), timezone="America/Chicago",
        registration_url="https://example.org/register", recording_url="https://example.org/rec",
    )  # fmt: skip
    formula = make_resource(title="=SUM(1+1) is not a formula", slug="sum", kind="report",
                            summary="-dash first", presenters="@handle")  # fmt: skip
    hidden = [make_resource(title=f"Hidden {status}", status=status, slug=f"hidden-{status}")
              for status in ("draft", "pending", "rejected")]  # fmt: skip
    return {"published": [video, french, webinar, formula], "hidden": hidden,
            "organizations": [irct, cvt]}  # fmt: skip


def export_csv(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def comparable(rows: list[dict]) -> list[dict]:
    """Exported rows without what belongs to one database (ids, when last changed), the
    language versions named by slug instead of id; sorted by slug."""
    slug_of = {str(row["id"]): row["slug"] for row in rows}
    out = []
    for row in rows:
        row = dict(row)
        if "language_versions" in row:
            versions = row["language_versions"]
            if isinstance(versions, str):
                versions = [v for v in versions.split("; ") if v]
            row["language_versions"] = sorted(slug_of[str(v)] for v in versions)
        for column in ("id", "updated_at"):
            row.pop(column, None)
        out.append(row)
    return sorted(out, key=lambda row: row["slug"])


def wipe_content() -> None:
    Resource.objects.all().delete()
    Organization.objects.all().delete()
    Series.objects.all().delete()


def moderator():
    return get_user_model().objects.filter(is_superuser=True).first() or (
        get_user_model().objects.create_superuser("importer", "importer@example.org", "x")
    )


FORMATS = {
    ("resources", "csv"): RESOURCE_FORMATS[0],
    ("resources", "json"): RESOURCE_FORMATS[1],
    ("organizations", "csv"): ORGANIZATION_FORMATS[0],
    ("organizations", "json"): ORGANIZATION_FORMATS[1],
}
CLASSES = {"resources": ResourceImport, "organizations": OrganizationImport}


def run_import(what: str, fmt: str, data: bytes, *, dry_run=False, skip_invalid=False,
               status=""):  # fmt: skip
    """An import as the admin runs it: the file read, then the import class's import_data."""
    dataset = FORMATS[(what, fmt)]().create_dataset(data)
    resource = CLASSES[what](status=status, skip_invalid=skip_invalid)
    return resource.import_data(
        dataset, dry_run=dry_run, raise_errors=False, user=moderator(),
        file_name=f"{what}.{fmt}", rollback_on_validation_errors=not skip_invalid,
    )  # fmt: skip


def write_csv(rows: list[dict], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()
