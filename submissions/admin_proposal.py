"""What a submission's admin page shows of the proposal, read-only, beside the decision."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from common.text import LINE_BREAK
from resources.admin_forms import session_clock

from . import topics
from .admin_forms import submission_duplicates


class ProposalFields:
    """The read-only fields of :class:`submissions.admin.SubmissionAdmin`'s change page."""

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
