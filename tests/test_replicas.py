"""Read replicas: public pages read from a replica; writes, the admin, staff and a visitor's
reads just after their own write go to the primary. A second database on the same server stands
in for the replica: a copy of the primary taken before the primary changes again, so that where a
page read from shows in what it says (the replica lags behind)."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.urls import reverse

from healtorture import pg_client
from resources.models import Resource

from .factories import make_resource
from .test_share import proposal

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("close_server_connections")]
URL = reverse("search:list")


# The stand-in replica: a database of its own on the same server, known to Django from the start
# of the session (pytest-django creates its test database, empty: migrations run on the primary
# only). Its content is copied from the primary by each test (``replica`` below).
connections.settings["replica1"] = connections.configure_settings(
    {
        "default": connections.settings["default"],
        "replica1": {
            **connections.settings["default"],
            "NAME": f"replica_{os.getpid()}",
            "TEST": {"NAME": f"test_replica_{os.getpid()}"},
        },
    }
)["replica1"]


@pytest.fixture
def replica(settings, tmp_path):
    """``replica1``: a copy of the test database as it is now; public reads go to it."""
    name = connections["replica1"].settings_dict["NAME"]
    dump = tmp_path / "primary.dump"
    params = pg_client.database_parameters()
    assert pg_client.run("pg_dump", ["--format=custom", f"--file={dump}"], params).returncode == 0
    connections["replica1"].close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    restored = pg_client.run(
        "pg_restore", ["--no-owner", f"--dbname={name}", str(dump)], {**params, "dbname": name}
    )
    # pg_restore cannot refill the vocabulary view (see manage.py restore): done below.
    errors = [line for line in restored.stderr.splitlines() if "error:" in line]
    assert errors == ["pg_restore: error: could not execute query: ERROR:  relation "
                      '"resources_resource" does not exist'], restored.stderr  # fmt: skip
    with connections["replica1"].cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW resources_vocabulary")
    settings.DATABASE_REPLICAS = ["replica1"]
    yield "replica1"
    connections["replica1"].close()


def titles(response) -> set[str]:
    return {resource.title for resource in response.context["resources"]}


@pytest.mark.django_db(transaction=True, databases=["default", "replica1"])
def test_public_reads_go_to_the_replica_and_a_writers_reads_to_the_primary(
    client, replica, settings
):
    settings.SHARE_RATE = "100/h"
    settings.FORM_MIN_SECONDS = 0
    make_resource(title="Published after the copy")  # on the primary only: the replica lags

    # An anonymous visitor reads the replica: the newest resource is not there yet.
    assert "Published after the copy" not in titles(client.get(URL))
    # Staff read the primary.
    user = get_user_model().objects.create_user("mod", "m@example.org", "x", is_staff=True)
    client.force_login(user)
    assert "Published after the copy" in titles(client.get(URL))
    client.logout()
    client.cookies.clear()
    assert "Published after the copy" not in titles(client.get(URL))

    # A write goes to the primary, and the writer's next reads too.
    response = client.post(reverse("submissions:share"), proposal(
        title="Sociotherapy groups for survivors", url="https://example.org/sociotherapy",
    ))  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    assert Resource.objects.using("default").filter(title__startswith="Sociotherapy").exists()
    assert not Resource.objects.using(replica).filter(title__startswith="Sociotherapy").exists()
    assert "primary" in response.cookies
    assert "Published after the copy" in titles(client.get(URL))


@pytest.mark.django_db(transaction=True, databases=["default", "replica1"])
def test_the_shared_cache_and_the_admin_are_always_read_on_the_primary(admin_client, replica):
    from django.core.cache.backends.db import DatabaseCache

    from common.db_routing import PrimaryReplicaRouter, _reads_from

    token = _reads_from.set(replica)
    try:
        cache_model = DatabaseCache("healtorture_cache", {}).cache_model_class
        assert PrimaryReplicaRouter().db_for_read(cache_model) == "default"
        assert PrimaryReplicaRouter().db_for_read(Resource) == replica
        assert PrimaryReplicaRouter().db_for_write(Resource) == "default"
    finally:
        _reads_from.reset(token)
    make_resource(title="Only on the primary")
    page = admin_client.get(reverse("admin:resources_resource_changelist"))
    assert "Only on the primary" in page.text
