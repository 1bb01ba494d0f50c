"""Near-duplicates: one way of telling them, used by the share form, the moderation queue, a
submission's page and its "mark as a duplicate" form."""

import pytest
from django.urls import reverse

from resources.duplicates import find_duplicates, title_words
from resources.models import Resource
from submissions.models import Submission

from .factories import make_organization, make_resource
from .test_share import proposal

pytestmark = pytest.mark.django_db
SHARE = reverse("submissions:share")
QUEUE = reverse("admin:submissions_submission_changelist")


@pytest.fixture(autouse=True)
def _rates(settings):
    settings.MODERATOR_EMAILS = ["moderators@example.org"]
    settings.SHARE_RATE = "100/h"


@pytest.fixture
def questions_and_answers():
    irct = make_organization(
        name="International Rehabilitation Council for Torture Victims", acronym="IRCT"
    )
    return make_resource(
        title="The Istanbul Protocol: Questions and Answers",
        url="https://irct.org/istanbul-protocol-questions",
        organizations=[irct],
    )


def test_titles_are_compared_as_words_that_say_what_they_are_about():
    assert title_words("Istanbul Protocol Q&A video (IRCT)") == {
        "istanbul", "protocol", "question", "answer", "irct",
    }  # fmt: skip
    assert title_words("The Istanbul Protocol: Questions and Answers") == {
        "istanbul", "protocol", "question", "answer",
    }  # fmt: skip
    assert title_words("Réfugiés et santé mentale : FAQ") == {
        "refugie", "sante", "mentale", "frequently", "asked", "question",
    }  # fmt: skip
    assert title_words("C++ & C#: «Ça va?» ½ — مرحبا") == {"c", "ca", "va", "1", "2", "مرحبا"}


def test_the_share_form_asks_before_sending_a_near_duplicate(client, questions_and_answers):
    response = client.post(
        SHARE,
        proposal(title="Istanbul Protocol Q&A video (IRCT)", url="https://youtube.example/v=1",
                 kind="video", organizations="IRCT"),
    )  # fmt: skip

    assert response.status_code == 409
    assert "Is it one of these?" in response.text
    assert questions_and_answers.get_absolute_url() in response.text
    assert not Submission.objects.exists()


def test_moderators_see_the_near_duplicate_in_the_queue_on_the_page_and_in_the_form(
    client, admin_client, questions_and_answers
):
    sent = client.post(
        SHARE,
        proposal(title="Istanbul Protocol Q&A video (IRCT)", url="https://youtube.example/v=1",
                 kind="video", organizations="IRCT", not_duplicate="on"),
    )  # fmt: skip
    assert sent.status_code == 302
    submission = Submission.objects.get()
    assert submission.duplicate_of == questions_and_answers

    queue = admin_client.get(QUEUE)
    page = admin_client.get(reverse("admin:submissions_submission_change", args=[submission.pk]))
    form = admin_client.get(
        reverse("admin:submissions_submission_decide", args=[submission.pk, "duplicate"])
    )

    assert [s.duplicate_count for s in queue.context["cl"].result_list] == [1]
    change = reverse("admin:resources_resource_change", args=[questions_and_answers.pk])
    assert f'<a href="{change}">The Istanbul Protocol: Questions and Answers</a>' in page.text
    assert "a similar title" in page.text
    assert list(form.context["form"].fields["detected"].queryset) == [questions_and_answers]


@pytest.mark.parametrize(
    "title",
    ["Istanbul Protocol training", "Documenting torture with the Istanbul Protocol"],
)
def test_related_titles_are_not_duplicates(questions_and_answers, title):
    assert find_duplicates(title=title, kind="video", organizations="IRCT") == []


def test_two_parts_of_a_series_are_not_duplicates():
    make_resource(title="Group work with survivors, part 1")

    assert find_duplicates(title="Group work with survivors, part 2", kind="video") == []
    assert [d.resource.title for d in find_duplicates(title="Group Work with Survivors (Part 1)")
            ] == ["Group work with survivors, part 1"]  # fmt: skip


def test_the_same_type_and_the_same_organisation_weigh_in():
    centre = make_organization(name="Centre Primo Levi")
    existing = make_resource(title="Trauma-informed interpreting basics", kind="webinar",
                             organizations=[centre])  # fmt: skip
    title = "Trauma-informed interpreting essentials"

    assert find_duplicates(title=title, kind="guide") == []
    assert [d.resource for d in find_duplicates(title=title, kind="webinar")] == [existing]
    found = find_duplicates(title=title, kind="guide", organizations="Centre Primo Levi")
    assert [d.resource for d in found] == [existing]


def test_only_published_and_pending_resources_are_duplicates():
    make_resource(title="Sleep after torture", status=Resource.Status.REJECTED)
    make_resource(title="Sleep after torture", status=Resource.Status.DRAFT)
    pending = make_resource(title="Sleep after torture", status=Resource.Status.PENDING)

    assert [d.resource for d in find_duplicates(title="Sleep after torture!")] == [pending]


def test_odd_titles_are_checked_without_an_error(client):
    make_resource(title="C++ & C#: «Ça va?»")

    response = client.post(SHARE, proposal(title="C++ & C#: «Ça va?» ½ — مرحبا :* | ! & (",
                                           url="https://odd.example/"))  # fmt: skip

    assert response.status_code in (302, 409)
