"""Moderation in the admin: the queue of submissions, their decisions, and the messages around them.

Decisions are taken only by POST, through admin actions (one or many submissions) or the buttons
on a submission's page; both end in :mod:`submissions.moderation`, which records every decision.
"""

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from resources import duplicates
from resources.admin_forms import session_clock
from resources.models import Resource
from resources.views import ResourceDetailView
from thesaurus.models import Concept, Topic

from . import admin_messages, moderation, topics
from .models import ContactMessage, DecisionRecord, Submission

# --- Forms for the decisions ---------------------------------------------------------------------

OTHER_REASON = "other"
LINE_BREAK = mark_safe("<br>")


class ApproveForm(forms.Form):
    """Approval needs no more than the confirmation itself."""

    def decide(self, submission, moderator):
        return moderation.approve(submission, moderator)


class RejectForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(reason, reason) for reason in moderation.REJECTION_REASONS]
        + [(OTHER_REASON, _("Another reason, written below"))],
        widget=forms.RadioSelect,
        required=False,
    )
    details = forms.CharField(
        label=_("In your own words"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        required=False,
        max_length=2000,
        help_text=_("Added to the reason chosen above, or used instead. Sent to the submitter."),
    )

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("reason", "")
        parts = [chosen if chosen != OTHER_REASON else "", cleaned.get("details", "").strip()]
        cleaned["full_reason"] = "\n\n".join(part for part in parts if part)
        if not cleaned["full_reason"] and not self.errors:
            raise ValidationError(_("Choose a reason or write one: the submitter will read it."))
        return cleaned

    def decide(self, submission, moderator):
        return moderation.reject(submission, moderator, self.cleaned_data["full_reason"])


class ChangesForm(forms.Form):
    message = forms.CharField(
        label=_("What should the submitter change or add?"),
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        max_length=2000,
        help_text=_("Sent to the submitter. The resource stays pending."),
    )

    def decide(self, submission, moderator):
        return moderation.request_changes(submission, moderator, self.cleaned_data["message"])


class ResourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"#{obj.pk} {obj.title} ({obj.get_status_display().lower()})"


class DuplicateForm(forms.Form):
    """The original is picked from the duplicates we detected, by search, or by its number."""

    detected = ResourceChoiceField(
        label=_("Detected duplicates"),
        queryset=Resource.objects.none(),
        widget=forms.RadioSelect,
        required=False,
    )
    original = ResourceChoiceField(
        label=_("Or find the original"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("Search by title or link."),
    )
    number = forms.IntegerField(
        label=_("Or give its number"), required=False, min_value=1, help_text=_("The resource id.")
    )

    def __init__(self, *args, submissions, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        own = [submission.resource_id for submission in submissions]
        self.candidates = Resource.objects.exclude(pk__in=own)
        self.fields["detected"].queryset = detected_duplicates(submissions)
        self.fields["original"] = ResourceChoiceField(
            label=self.fields["original"].label,
            help_text=self.fields["original"].help_text,
            queryset=self.candidates,
            required=False,
            widget=AutocompleteSelect(Submission._meta.get_field("duplicate_of"), admin_site),
        )
        if not self.fields["detected"].queryset:
            del self.fields["detected"]

    def clean(self):
        cleaned = super().clean()
        chosen = {r for r in (cleaned.get("detected"), cleaned.get("original")) if r is not None}
        if cleaned.get("number"):
            found = self.candidates.filter(pk=cleaned["number"]).first()
            if found is None:
                self.add_error("number", _("No other resource has this number."))
                return cleaned
            chosen.add(found)
        if len(chosen) != 1 and not self.errors:
            raise ValidationError(_("Choose one original resource."))
        cleaned["resource"] = next(iter(chosen), None)
        return cleaned

    def decide(self, submission, moderator):
        return moderation.mark_duplicate(submission, moderator, self.cleaned_data["resource"])


DECISIONS = {
    # name in the URL: (form, page title, button, what it does)
    "approve": (
        ApproveForm,
        _("Approve and publish"),
        _("Yes, publish"),
        _("The resources will be published now and their submitters e-mailed a link."),
    ),
    "reject": (
        RejectForm,
        _("Reject"),
        _("Reject and tell the submitter"),
        _("The resources will not be published; submitters are e-mailed the reason."),
    ),
    "changes": (
        ChangesForm,
        _("Ask for changes"),
        _("Send the request"),
        _("The resources stay pending; submitters are e-mailed your message."),
    ),
    "duplicate": (
        DuplicateForm,
        _("Mark as a duplicate"),
        _("Mark as a duplicate"),
        _("The resources will not be published; submitters are e-mailed a link to the original."),
    ),
}


def submission_duplicates(submissions) -> dict[int, list[duplicates.Duplicate]]:
    """For each submission (by pk), the resources its proposal duplicates, judged with the
    organisations its submitter typed. A constant number of queries for any number."""
    found = duplicates.duplicates_of(
        [s.resource for s in submissions],
        {s.resource_id: s.proposed_organizations for s in submissions},
    )
    return {s.pk: found[s.resource_id] for s in submissions}


def detected_duplicates(submissions):
    """The published or pending resources that any of ``submissions`` duplicates."""
    ids = [d.resource.pk for found in submission_duplicates(submissions).values() for d in found]
    return Resource.objects.filter(pk__in=ids).order_by("-status", "pk")


# --- The queue -----------------------------------------------------------------------------------


class AgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"

    def lookups(self, request, model_admin):
        return [
            ("today", _("Today")),
            ("week", _("This week (last 7 days)")),
            ("over-week", _("Older than a week")),
            ("over-month", _("Older than a month")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "today":
            today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
            return queryset.filter(created_at__gte=today)
        if self.value() == "week":
            return queryset.filter(created_at__gte=now - timedelta(days=7))
        if self.value() == "over-week":
            return queryset.filter(created_at__lt=now - timedelta(days=7))
        if self.value() == "over-month":
            return queryset.filter(created_at__lt=now - timedelta(days=30))
        return queryset


class DecisionHistoryInline(admin.TabularInline):
    """Every decision taken on the submission, oldest first. Read-only for everyone."""

    model = DecisionRecord
    verbose_name = _("decision")
    verbose_name_plural = _("decision history")
    fields = ["decided_at", "decision", "moderator", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("moderator")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """The moderation queue, oldest first, and one submission's page with its decisions."""

    list_display = [
        "title",
        "kind",
        "submitter_organization",
        "age",
        "decision",
        "duplicates",
    ]
    list_display_links = ["title"]
    list_filter = ["decision", "resource__kind", AgeFilter]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["resource__title", "resource__url", "name", "email", "organization"]
    list_select_related = ["resource"]
    ordering = ["created_at", "pk"]
    actions = ["approve_selected", "reject_selected", "request_changes", "mark_duplicate"]
    inlines = [DecisionHistoryInline]
    change_form_template = "admin/submissions/submission/change_form.html"

    fieldsets = [
        (
            _("Proposed resource"),
            {
                "fields": [
                    "resource_title",
                    "resource_kind",
                    "resource_summary",
                    "resource_description",
                    "resource_link",
                    "resource_when",
                    "resource_language",
                    "resource_files",
                    "resource_status",
                ]
            },
        ),
        (
            _("To map to our vocabulary"),
            {
                "description": _(
                    "What the submitter typed, and what the resource is linked to now. A typed "
                    "topic is never published as it is: link the topic it means, make a concept "
                    "of the thesaurus a topic, or create a topic for it."
                ),
                "fields": [
                    "proposed_organizations",
                    "linked_organizations",
                    "proposed_topics",
                    "topic_mapping",
                    "linked_topics",
                    "edit_resource",
                ],
            },
        ),
        (_("Possible duplicates"), {"fields": ["possible_duplicates"]}),
        (
            _("Submitter"),
            {
                "fields": [
                    "name",
                    "email",
                    "organization",
                    "role",
                    "message",
                    "consent_to_contact",
                    "created_at",
                    "contact_purged_at",
                ]
            },
        ),
        (
            _("Decision"),
            {"fields": ["decision", "reason", "duplicate_of", "decided_by", "decided_at"]},
        ),
    ]
    readonly_fields = [field for _title, options in fieldsets for field in options["fields"]]

    # -- Permissions: submissions come from the public form, and their history stays.

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("resource", "decided_by", "duplicate_of")
        )

    def get_changelist_instance(self, request):
        """The list, each row with the number of resources its proposal duplicates: worked out
        for the page's rows together (see resources.duplicates)."""
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)  # the page's rows, as the template will show them
        open_rows = [row for row in rows if row.decision in Submission.OPEN_DECISIONS]
        found = submission_duplicates(open_rows)
        for row in rows:
            row.duplicate_count = len(found[row.pk]) if row.pk in found else None
        return changelist

    # -- The list

    @admin.display(description=_("title"), ordering="resource__title")
    def title(self, obj):
        return obj.resource.title

    @admin.display(description=_("type"), ordering="resource__kind")
    def kind(self, obj):
        return obj.resource.get_kind_display()

    @admin.display(description=_("submitter's organisation"), ordering="organization")
    def submitter_organization(self, obj):
        return obj.organization or "—"

    @admin.display(description=_("waiting for"), ordering="-created_at")
    def age(self, obj):
        return timesince(obj.created_at, depth=1)

    @admin.display(description=_("duplicates?"))
    def duplicates(self, obj):
        if obj.duplicate_count is None:
            return "—"  # decided: nothing left to compare
        if not obj.duplicate_count:
            return "0"
        return format_html("<strong>{}</strong>", obj.duplicate_count)

    # -- The change page: the proposal, read-only

    @admin.display(description=_("title"))
    def resource_title(self, obj):
        return obj.resource.title

    @admin.display(description=_("type"))
    def resource_kind(self, obj):
        return obj.resource.get_kind_display()

    @admin.display(description=_("summary (as it is now)"))
    def resource_summary(self, obj):
        return obj.resource.summary

    @admin.display(description=_("short description (as typed)"))
    def resource_description(self, obj):
        """What the submitter typed, kept apart from the resource that moderators edit."""
        return obj.summary_as_typed or _("Not kept: sent before typed descriptions were kept.")

    @admin.display(description=_("link"))
    def resource_link(self, obj):
        resource = obj.resource
        links = [
            (label, url)
            for label, url in (
                (_("Link"), resource.url),
                (_("Registration"), resource.registration_url),
                (_("Recording"), resource.recording_url),
            )
            if url
        ]
        if not links:
            return "—"
        return format_html_join(
            LINE_BREAK,
            '{}: <a href="{}" rel="noopener noreferrer" target="_blank">{}</a>',
            ((label, url, url) for label, url in links),
        )

    @admin.display(description=_("date or session"))
    def resource_when(self, obj):
        resource = obj.resource
        if resource.starts_at:
            when = session_clock(resource.starts_at, resource.timezone)
            if resource.ends_at:
                when = f"{when} – {session_clock(resource.ends_at, resource.timezone)}"
            return f"{when} ({resource.timezone or 'UTC'})"
        return resource.date.isoformat() if resource.date else "—"

    @admin.display(description=_("language"))
    def resource_language(self, obj):
        return obj.resource.get_language_display()

    @admin.display(description=_("files"))
    def resource_files(self, obj):
        files = list(obj.resource.files.all())
        if not files:
            return "—"
        return format_html_join(
            LINE_BREAK,
            '<a href="{}">{}</a> ({}, {} bytes)',
            (
                (reverse("admin:resources_resourcefile_change", args=[f.pk]), f, f.label, f.size)
                for f in files
            ),
        )

    @admin.display(description=_("status"))
    def resource_status(self, obj):
        return obj.resource.get_status_display()

    @admin.display(description=_("organisations linked"))
    def linked_organizations(self, obj):
        names = [str(o) for o in obj.resource.organizations.all()]
        return ", ".join(names) or "—"

    @admin.display(description=_("topics linked"))
    def linked_topics(self, obj):
        return ", ".join(t.name for t in obj.resource.topics.all()) or "—"

    @admin.display(description=_("what the typed topics match"))
    def topic_mapping(self, obj):
        """Each typed term with buttons (of the form outside the page's form, see
        change_form.html) that link its topic, make its concept a topic, or create one."""
        mappings = topics.map_terms(obj.proposed_topics, obj.resource)
        if not mappings:
            return "—"
        rows = []
        for mapping in mappings:
            buttons = [
                format_html("<strong>{}</strong> ✓", topic.name)
                if topic.pk in mapping.linked
                else format_html(
                    '<button type="submit" class="button" form="map-topics" name="topic" '
                    'value="{}">{}</button>',
                    topic.pk,
                    _("Link the topic “%(name)s”") % {"name": topic.name},
                )
                for topic in mapping.topics
            ]
            buttons += [
                format_html(
                    '<button type="submit" class="button" form="map-topics" name="concept" '
                    'value="{}">{}</button>',
                    concept_id,
                    _("Make the concept “%(name)s” a topic and link it") % {"name": name},
                )
                for concept_id, name in mapping.concepts
            ]
            if not mapping.topics and not mapping.concepts:  # the thesaurus has no such idea
                buttons.append(
                    format_html(
                        '<button type="submit" class="button" form="map-topics" name="create" '
                        'value="{}">{}</button>',
                        mapping.term,
                        _("Create the topic “%(term)s”") % {"term": mapping.term},
                    )
                )
            rows.append(
                format_html(
                    "<li>“{}”: {}</li>",
                    mapping.term,
                    format_html_join(" ", "{}", ((b,) for b in buttons)),
                )
            )
        return format_html(
            '<ul class="topic-mapping">{}</ul>', format_html_join("", "{}", ((r,) for r in rows))
        )

    @admin.display(description=_("edit"))
    def edit_resource(self, obj):
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:resources_resource_change", args=[obj.resource_id]),
            _("Edit the resource: organisations, topics, wording"),
        )

    @admin.display(description=_("same link, or a title that says the same"))
    def possible_duplicates(self, obj):
        found = submission_duplicates([obj])[obj.pk][:20]
        if not found:
            return _("None found.")
        reasons = {"link": _("the same link"), "title": _("a similar title")}
        return format_html_join(
            LINE_BREAK,
            '#{} <a href="{}">{}</a> ({}, {}){}',
            (
                (
                    d.resource.pk,
                    reverse("admin:resources_resource_change", args=[d.resource.pk]),
                    d.resource.title,
                    d.resource.get_status_display().lower(),
                    reasons[d.reason],
                    format_html(
                        ' · <a href="{}">{}</a>', d.resource.get_absolute_url(), _("public page")
                    )
                    if d.is_published
                    else "",
                )
                for d in found
            ),
        )

    # -- Custom views: preview and single decisions

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


# --- The decision history, and the messages -------------------------------------------------------


@admin.register(DecisionRecord)
class DecisionRecordAdmin(admin.ModelAdmin):
    """Every moderation decision: who, when, what and why. Nobody adds, edits or deletes them."""

    list_display = ["decided_at", "submission_title", "decision", "moderator", "short_reason"]
    list_filter = ["decision"]
    search_fields = ["submission__resource__title", "reason", "moderator__username"]
    list_select_related = ["submission__resource", "moderator"]
    date_hierarchy = "decided_at"
    fields = ["submission", "decision", "reason", "moderator", "decided_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("submission"), ordering="submission__resource__title")
    def submission_title(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:submissions_submission_change", args=[obj.submission_id]),
            obj.submission.resource.title,
        )

    @admin.display(description=_("reason"))
    def short_reason(self, obj):
        return Truncator(obj.reason).chars(80)


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    """Questions to the team; staff mark them answered and keep notes."""

    list_display = ["subject", "name", "organization", "created_at", "answered"]
    list_filter = ["answered"]
    search_fields = ["subject", "name", "email", "organization", "message"]
    date_hierarchy = "created_at"
    fields = [
        "subject", "message", "name", "email", "organization", "created_at", "answered", "notes",
    ]  # fmt: skip

    def get_readonly_fields(self, request, obj=None):
        # What the visitor wrote stays as they wrote it.
        if obj is None:
            return ["created_at"]
        return ["subject", "message", "name", "email", "organization", "created_at"]
