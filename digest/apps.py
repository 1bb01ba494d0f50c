from django.apps import AppConfig


class DigestConfig(AppConfig):
    """The quarterly digest: what was new, on a page and in an e-mail."""

    name = "digest"
    verbose_name = "Digest"
