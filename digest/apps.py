from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DigestConfig(AppConfig):
    """The quarterly digest: what was new, on a page and in an e-mail."""

    name = "digest"
    verbose_name = _("Digest")
