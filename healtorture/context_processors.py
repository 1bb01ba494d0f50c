"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from common.i18n import language_versions, unprefixed


def languages(request):
    """``language_versions``: the current page in each language, for the language switcher and
    the hreflang links (worked out only when a template uses it); ``x_default_path``: the page's
    address without a language prefix."""
    return {
        "language_versions": SimpleLazyObject(lambda: language_versions(request)),
        "x_default_path": SimpleLazyObject(lambda: unprefixed(request.path)),
    }
