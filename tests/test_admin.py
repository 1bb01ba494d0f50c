"""Every model can be curated in the admin; only staff reach it."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from organizations.models import OrganizationTopic
from resources.models import Resource, TaggedResource

from .factories import make_organization, make_resource

pytestmark = pytest.mark.django_db

# Join tables edited through their owners' forms, not on their own.
THROUGH_MODELS = {TaggedResource, OrganizationTopic}
OUR_MODELS = [
    model
    for label in ("resources", "organizations", "submissions")
    for model in apps.get_app_config(label).get_models()
    if model not in THROUGH_MODELS and not model._meta.auto_created
]


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_every_model_is_in_the_admin(model, admin_client, rf, admin_user):
    assert admin.site.is_registered(model)
    opts = model._meta
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
                            ).status_code == 200  # fmt: skip
    # Submissions come only from the public form; decisions and e-mails are records, not input.
    request = rf.get("/")
    request.user = admin_user
    can_add = admin.site.get_model_admin(model).has_add_permission(request)
    assert can_add == (opts.label not in {"submissions.Submission", "submissions.DecisionRecord",
                                          "submissions.OutboxMessage", "submissions.ProblemReport",
                                          "resources.LinkCheck"})  # fmt: skip
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (200 if can_add else 403)


def test_a_resource_change_page_opens(admin_client):
    resource = make_resource(
        topics=["Children"], organizations=[make_organization()], status=Resource.Status.PENDING
    )
    url = reverse("admin:resources_resource_change", args=[resource.pk])

    response = admin_client.get(url)

    assert response.status_code == 200
    assert resource.title in response.text


def test_publishing_from_the_admin_list(admin_client):
    resource = make_resource(status=Resource.Status.PENDING)

    response = admin_client.post(
        reverse("admin:resources_resource_changelist"),
        {"action": "publish", "_selected_action": [resource.pk]},
        follow=True,
    )

    assert response.status_code == 200
    resource.refresh_from_db()
    assert resource.is_published
    assert list(Resource.objects.published()) == [resource]


def test_a_visitor_who_is_not_staff_cannot_reach_the_admin(client, django_user_model):
    user = django_user_model.objects.create_user("visitor", password="a-long-passphrase")
    client.force_login(user)

    response = client.get(reverse("admin:resources_resource_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_a_public_proposal_is_published_only_through_the_queue(admin_client):
    from submissions.models import Submission

    resource = make_resource(status=Resource.Status.PENDING, title="Proposed by a visitor")
    Submission.objects.create(resource=resource, name="Visitor", email="v@example.org",
                              proposed_organizations="Some centre")  # fmt: skip

    response = admin_client.post(
        reverse("admin:resources_resource_changelist"),
        {"action": "publish", "_selected_action": [resource.pk]},
        follow=True,
    )
    resource.refresh_from_db()
    assert resource.status == Resource.Status.PENDING
    assert [str(m) for m in response.context["messages"]] == [
        "1 resource was proposed by the public and waits in the submissions queue: approve it "
        "there, so that its submitter is told.",
    ]

    change = admin_client.get(reverse("admin:resources_resource_change", args=[resource.pk]))
    assert "Some centre" in change.text
    assert "Decide on this proposal in the submissions queue" in change.text
    assert 'name="status"' not in change.text  # read-only while the proposal is open
