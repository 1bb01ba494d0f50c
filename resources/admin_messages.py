"""What the resources admin tells a moderator after an action: sentences in the singular and
the plural, translated (the admin's labels stay in English; see makemessages). Each is formatted
with ``count``."""

from django.utils.translation import ngettext_lazy

PUBLISHED = ngettext_lazy("Published %(count)d resource.", "Published %(count)d resources.",
                          "count")  # fmt: skip
WAITING_IN_QUEUE = ngettext_lazy(
    "%(count)d resource was proposed by the public and waits in the submissions queue: approve "
    "it there, so that its submitter is told.",
    "%(count)d resources were proposed by the public and wait in the submissions queue: approve "
    "them there, so that their submitters are told.",
    "count",
)
ARCHIVED = ngettext_lazy("Archived %(count)d resource.", "Archived %(count)d resources.", "count")
REVIEWED = ngettext_lazy(
    "Marked %(count)d resource reviewed.", "Marked %(count)d resources reviewed.", "count"
)
UNPUBLISHED_LEFT_OUT = ngettext_lazy(
    "Left out %(count)d unpublished resource: only published links are checked.",
    "Left out %(count)d unpublished resources: only published links are checked.",
    "count",
)
