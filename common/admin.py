"""The outbox in the admin: every e-mail the site sent or is about to send, read-only. A message
to a subscriber (an alert, its confirmation) shows neither its address nor its body, which holds
the links that manage the subscription: moderators see how many subscribe, never who."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import OutboxMessage

HIDDEN = "(a subscriber: not shown)"


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """E-mails sent or waiting to be sent (``manage.py send_outbox`` retries the failures)."""

    list_display = ["subject", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    fields = ["recipients", "subject", "content", "status", "attempts", "last_error",
              "created_at", "sent_at"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("to"))
    def recipients(self, obj):
        return HIDDEN if obj.private else ", ".join(obj.to)

    @admin.display(description=_("body"))
    def content(self, obj):
        return HIDDEN if obj.private else obj.body
