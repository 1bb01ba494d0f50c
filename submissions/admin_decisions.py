"""Deciding on submissions in the admin: one at a time from its page (preview, approve, reject,
ask for changes, mark a duplicate, link typed topics) or many from the list, always by POST."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from resources.models import Resource
from resources.views import ResourceDetailView
from thesaurus.models import Concept, Topic

from . import admin_messages, moderation, topics
from .admin_forms import (
    DECISIONS,
    ApproveForm,
    ChangesForm,
    DuplicateForm,
    RejectForm,
    detected_duplicates,
)
from .models import Submission


class DecisionViews:
    """The decision views and actions of :class:`submissions.admin.SubmissionAdmin`."""

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name=f"{info}_preview",
            ),
            path(
                "<path:object_id>/decide/<slug:decision>/",
                self.admin_site.admin_view(self.decision_view),
                name=f"{info}_decide",
            ),
            path(
                "<path:object_id>/topics/",
                self.admin_site.admin_view(self.topics_view),
                name=f"{info}_topics",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {
            **(extra_context or {}),
            # Nothing on this page is edited in place: decisions have their own buttons.
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
        }
        if obj is not None:
            extra_context["topics_url"] = reverse(
                "admin:submissions_submission_topics", args=[obj.pk]
            )
            can_decide = obj.decision in Submission.OPEN_DECISIONS and self.has_change_permission(
                request, obj
            )
            extra_context.update(
                can_decide=can_decide,
                preview_url=reverse("admin:submissions_submission_preview", args=[obj.pk]),
                decide_urls={
                    name: reverse("admin:submissions_submission_decide", args=[obj.pk, name])
                    for name in DECISIONS
                },
                reject_fieldset=helpers.Fieldset(RejectForm(), fields=["reason", "details"]),
                changes_fieldset=helpers.Fieldset(ChangesForm(), fields=["message"]),
                detected=list(detected_duplicates([obj])[:10]) if can_decide else [],
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def preview_view(self, request, object_id):
        """The proposed resource on the public page's template, for staff only."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such submission."))
        if not self.has_view_permission(request, obj):
            raise PermissionDenied
        view = SubmissionPreview.as_view(
            submission=obj,
            change_url=reverse("admin:submissions_submission_change", args=[obj.pk]),
        )
        response = view(request, pk=obj.resource_id)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def decision_view(self, request, object_id, decision):
        """One submission's decision: a confirmation page on GET, the decision on POST."""
        if request.method not in ("GET", "HEAD", "POST"):
            return HttpResponseNotAllowed(["GET", "POST"])
        if decision not in DECISIONS:
            raise Http404(_("No such decision."))
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such submission."))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        change_url = reverse("admin:submissions_submission_change", args=[obj.pk])
        if obj.decision not in Submission.OPEN_DECISIONS:
            self.message_user(
                request,
                _("This submission was already decided: %(decision)s.")
                % {"decision": obj.get_decision_display().lower()},
                messages.WARNING,
            )
            return redirect(change_url)
        response = self._decide(request, [obj], decision, single=True)
        return response or redirect(change_url)

    def topics_view(self, request, object_id):
        """POST only: link a topic the submitter proposed, make a concept a topic, or create a
        topic for a typed term; then back to the submission."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(_("No such submission."))
        if not (
            self.has_change_permission(request, obj)
            and request.user.has_perm("resources.change_resource")
            and request.user.has_perm("thesaurus.add_topic")
        ):
            raise PermissionDenied
        resource = obj.resource
        terms = {term.casefold(): term for term in topics.proposed_terms(obj.proposed_topics)}
        topic = None
        if request.POST.get("topic", "").isdigit():
            topic = Topic.objects.filter(pk=request.POST["topic"]).first()
            if topic is not None:
                topics.link(resource, topic, request.user)
        elif request.POST.get("concept", "").isdigit():
            concept = Concept.objects.filter(pk=request.POST["concept"]).first()
            if concept is not None:
                topic = topics.make_topic(resource, request.user, concept=concept)
        elif request.POST.get("create", "").casefold() in terms:
            term = terms[request.POST["create"].casefold()]
            topic = topics.make_topic(resource, request.user, term=term)
        if topic is None:
            self.message_user(request, _("Nothing was linked: choose a topic."), messages.WARNING)
        else:
            self.message_user(
                request,
                _("The resource now has the topic “%(name)s”.") % {"name": topic.name},
                messages.SUCCESS,
            )
        return redirect(reverse("admin:submissions_submission_change", args=[obj.pk]))

    # -- Actions (POST from the list; bulk)

    @admin.action(
        description=_("Approve and publish the selected submissions"), permissions=["change"]
    )
    def approve_selected(self, request, queryset):
        submissions = self._open(request, queryset)
        self._apply(request, submissions, ApproveForm())

    @admin.action(description=_("Reject the selected submissions…"), permissions=["change"])
    def reject_selected(self, request, queryset):
        return self._decide(request, self._open(request, queryset), "reject")

    @admin.action(description=_("Ask the submitters for changes…"), permissions=["change"])
    def request_changes(self, request, queryset):
        return self._decide(request, self._open(request, queryset), "changes")

    @admin.action(description=_("Mark as a duplicate of a resource…"), permissions=["change"])
    def mark_duplicate(self, request, queryset):
        return self._decide(request, self._open(request, queryset), "duplicate")

    def _open(self, request, queryset):
        """The undecided submissions among those selected; says which were left alone."""
        selected = list(queryset.select_related("resource").order_by("created_at", "pk"))
        decided = [s for s in selected if s.decision not in Submission.OPEN_DECISIONS]
        if decided and request.POST.get("post") != "yes":
            self.message_user(
                request,
                admin_messages.ALREADY_DECIDED
                % {
                    "count": len(decided),
                    "titles": "; ".join(f"“{s.resource.title}”" for s in decided),
                },
                messages.WARNING,
            )
        return [s for s in selected if s.decision in Submission.OPEN_DECISIONS]

    def _decide(self, request, submissions, decision, single=False):
        """Show the decision's form for ``submissions``, or take the decision when it is posted
        back valid. Returns the page to show, or None when done."""
        form_class, title, button, explanation = DECISIONS[decision]
        if not submissions:
            self.message_user(request, _("No undecided submission was selected."), messages.INFO)
            return None
        kwargs = {}
        if form_class is DuplicateForm:
            kwargs = {"submissions": submissions, "admin_site": self.admin_site}
        posted = request.method == "POST" and request.POST.get("post") == "yes"
        form = form_class(request.POST if posted else None, **kwargs)
        if posted and form.is_valid():
            self._apply(request, submissions, form)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": submissions[0].resource.title if single else None,
            "opts": self.opts,
            "submissions": submissions,
            "form": form,
            "fieldsets": [helpers.Fieldset(form, fields=list(form.fields))],
            "button": button,
            "explanation": explanation,
            "single": single,
            "action": None if single else request.POST.get("action"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media + form.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/submissions/submission/decision.html", context)

    def _apply(self, request, submissions, form):
        done, refused = [], []
        for submission in submissions:
            try:
                form.decide(submission, request.user)
            except moderation.ModerationError as error:
                refused.append(f"{submission.resource.title}: {error}")
            else:
                done.append(submission)
        if done:
            titles = "; ".join(f"“{s.resource.title}”" for s in done)
            decided = admin_messages.DECIDED[done[0].decision]
            message = decided % {"count": len(done), "titles": titles}
            self.message_user(request, message, messages.SUCCESS)
        for message in refused:
            self.message_user(request, message, messages.ERROR)


class SubmissionPreview(ResourceDetailView):
    """The public resource page for a resource that is not published, under a clear banner."""

    template_name = "admin/submissions/submission/preview.html"
    submission = None
    change_url = ""

    def get_queryset(self):
        # What the public page would show: only published organisations, every other relation.
        return Resource.objects.select_related("series").prefetch_related(
            Prefetch(
                "organizations",
                queryset=Organization.objects.published().only("name", "acronym", "slug"),
            ),
            "topics",
            "audiences",
            "regions",
            "files",
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submission=self.submission, change_url=self.change_url, **kwargs
        )
