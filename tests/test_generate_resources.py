"""The benchmark data generator: ``manage.py generate_resources``."""

from io import StringIO
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command
from django.http import QueryDict
from django.utils import timezone

from organizations.models import Organization
from resources.management import synthetic as synthetic_words
from resources.models import Resource, TaggedResource
from search.engine import Search


def generate(**options) -> str:
    out = StringIO()
    call_command("generate_resources", stdout=out, **options)
    return out.getvalue()


def synthetic():
    return Resource.objects.filter(slug__startswith="synthetic-")


def search(text: str):
    """As the search page reads words (in each resource's own language), without synonyms."""
    return Search(QueryDict(urlencode({"q": text, "exact": "1"}))).matching()


@pytest.mark.django_db
def test_creates_published_resources_with_topics_and_organisations():
    output = generate(resources=50, seed=1)

    assert "Created 50 synthetic resources" in output
    assert synthetic().count() == 50
    assert Resource.objects.published().filter(slug__startswith="synthetic-").count() == 50
    assert (
        TaggedResource.objects.filter(content_object__in=synthetic())
        .values("content_object")
        .distinct()
        .count()
        == 50
    )
    org_links = Resource.organizations.through.objects.filter(resource__in=synthetic())
    assert org_links.values("resource").distinct().count() == 50
    assert set(org_links.values_list("organization__slug", flat=True)) <= set(
        Organization.objects.filter(slug__startswith="synthetic-org-").values_list(
            "slug", flat=True
        )
    )
    assert all(kind in Resource.Kind.values for kind in synthetic().values_list("kind", flat=True))


@pytest.mark.django_db
def test_search_vector_includes_topic_and_organisation_names():
    generate(resources=50, seed=1)

    for resource in synthetic().order_by("pk")[:5]:
        topic = resource.topics.first()
        organization = resource.organizations.first()
        assert topic.name in resource.topic_names
        assert organization.name in resource.organization_names
        assert search(topic.name).filter(pk=resource.pk).exists()
        assert search(organization.name).filter(pk=resource.pk).exists()
        # The acronym is in no text field, only in the denormalised organisation names.
        assert search(organization.acronym).filter(pk=resource.pk).exists()


@pytest.mark.django_db
def test_running_again_adds_more_with_unique_slugs():
    generate(resources=50, seed=1)
    generate(resources=50, seed=1)

    slugs = list(synthetic().values_list("slug", flat=True))
    assert len(slugs) == 100
    assert set(slugs) == {f"synthetic-{n}" for n in range(1, 101)}
    # The organisation pool is reused, not duplicated.
    assert Organization.objects.filter(slug__startswith="synthetic-org-").count() == 60


@pytest.mark.django_db
def test_replace_removes_only_synthetic_rows():
    real_org = Organization.objects.create(
        name="Real Treatment Centre", slug="real-treatment-centre", kind="treatment-centre"
    )
    real = Resource.objects.create(
        title="A real guide",
        slug="a-real-guide",
        kind=Resource.Kind.GUIDE,
        summary="Written by people, not generated.",
        status=Resource.Status.PUBLISHED,
        published_at=timezone.now(),
    )
    real.organizations.add(real_org)
    generate(resources=50, seed=1)

    generate(resources=20, seed=1, replace=True)
    assert synthetic().count() == 20
    assert set(synthetic().values_list("slug", flat=True)) == {
        f"synthetic-{n}" for n in range(1, 21)
    }

    output = generate(resources=0, replace=True)
    assert "Deleted 20 synthetic resources" in output
    assert not synthetic().exists()
    assert not Organization.objects.filter(slug__startswith="synthetic-").exists()
    assert Resource.objects.filter(pk=real.pk).exists()
    assert list(real.organizations.all()) == [real_org]


@pytest.mark.django_db
def test_same_seed_gives_same_titles():
    def titles():
        return list(synthetic().order_by("slug").values_list("title", flat=True))

    generate(resources=50, seed=1)
    first = titles()
    generate(resources=50, seed=1, replace=True)
    assert titles() == first
    generate(resources=50, seed=2, replace=True)
    assert titles() != first
    assert len(set(first)) > 40  # Varied, not one template repeated.


@pytest.mark.django_db
def test_live_sessions_have_a_time_zone_and_end_after_they_start():
    generate(resources=300, seed=1, batch=100)

    timed = synthetic().exclude(starts_at=None)
    assert timed.exists()
    for resource in timed:
        assert resource.kind in Resource.LIVE_KINDS
        assert resource.timezone
        assert resource.ends_at > resource.starts_at
    assert synthetic().exclude(language="en").exists()


def test_the_words_are_read_from_the_vocabulary_file_and_a_type_we_lack_stops_the_command(
    tmp_path,
):
    words = synthetic_words.load()
    assert [topic.name for topic in words.topics][:2] == [
        "Torture rehabilitation", "Trauma-focused therapy",
    ]  # fmt: skip
    assert "Telehealth" in {words.topics[i].name for i in words.topic_choices[False][0]}
    assert "Torture rehabilitation" not in {
        words.topics[i].name for i in words.topic_choices[False][0]
    }
    broken = tmp_path / "vocabulary.toml"
    text = synthetic_words.vocabulary_file().read_text()
    broken.write_text(text.replace("\npodcast = 4\n", "\nradio = 4\n"))

    with pytest.raises(CommandError, match=r"vocabulary\.toml.*unknown type: 'radio'"):
        synthetic_words.load(broken)
