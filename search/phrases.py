"""A search told in words, in the visitor's language: "Videos in English about Children", for the
title of a search's feed (what a feed reader lists it as) and for an e-mail alert (what its
sign-up page, its e-mails and its manage page call it).

The filters are those of the search page (``ResourceFilterSet``); topics, audiences and regions are
named as the page names them (their concept's label in the visitor's language), organisations by
their own name. One query per kind of named row that the search uses, whatever their number.
"""

from __future__ import annotations

from django.utils.formats import date_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from organizations.models import Organization
from resources.models import LANGUAGES, Resource
from search.filters import ResourceFilterSet

# What each type of resource is called when there are several of them.
KIND_PLURALS = {
    Resource.Kind.WEBINAR: gettext_lazy("Webinars"),
    Resource.Kind.E_CONSULTATION: gettext_lazy("E-consultations"),
    Resource.Kind.VIDEO: gettext_lazy("Videos"),
    Resource.Kind.ON_DEMAND_TRAINING: gettext_lazy("On-demand trainings"),
    Resource.Kind.E_LEARNING: gettext_lazy("E-learning courses"),
    Resource.Kind.GUIDE: gettext_lazy("Guides and manuals"),
    Resource.Kind.REPORT: gettext_lazy("Reports and research"),
    Resource.Kind.ARTICLE: gettext_lazy("Articles and news"),
    Resource.Kind.PODCAST: gettext_lazy("Podcasts"),
    Resource.Kind.TOOL: gettext_lazy("Tools and websites"),
    Resource.Kind.EVENT: gettext_lazy("Events"),
}
HAS_PHRASES = {"recording": gettext_lazy("with a recording"),
               "file": gettext_lazy("with a file to download")}  # fmt: skip
# Interface languages that write the names of languages in lower case ("en anglais").
LOWER_CASE_LANGUAGE_NAMES = {"fr", "es"}


def either(names) -> str:
    """``a, b or c``."""
    names = [str(name) for name in names]
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s or %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def every(names) -> str:
    """``a, b and c``."""
    names = [str(name) for name in names]
    if len(names) < 2:
        return "".join(names)
    return _("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}


def rows_named(datas) -> dict[str, dict[str, object]]:
    """The topics, audiences, regions and organisations that any of the searches ``datas``
    (their valid parameters) name, by kind and slug: one query per kind named, however many
    searches (a page that describes several)."""
    found = {}
    for name, model in ResourceFilterSet.SLUG_MODELS.items():
        slugs = {slug for data in datas for slug in data.get(name) or []}
        if slugs:
            rows = model.objects.published() if model is Organization else model.objects
            found[name] = {row.slug: row for row in rows.filter(slug__in=slugs)}
    return found


def named_rows(data: dict, rows: dict | None = None) -> dict[str, list[str]]:
    """The names of the topics, audiences, regions and organisations a search chose, in the
    order chosen (from ``rows``, else read). An unknown slug names nothing (the search ignores
    it too)."""
    rows = rows_named([data]) if rows is None else rows
    names = {}
    for name, model in ResourceFilterSet.SLUG_MODELS.items():
        slugs = data.get(name) or []
        if not slugs:
            continue
        found = rows.get(name, {})
        names[name] = [
            found[slug].name if model is Organization else found[slug].label
            for slug in slugs
            if slug in found
        ]
    return names


def describe(filterset: ResourceFilterSet, rows: dict | None = None) -> str:
    """The search as a phrase, e.g. "Videos in English about Children", or "" when it has no
    words and no filter (``rows``: from ``rows_named``, when several searches are described)."""
    data = filterset.data_clean
    kinds = data.get("kind") or []
    named = named_rows(data, rows)
    parts = []
    if filterset.text:
        parts.append(_("matching “%(text)s”") % {"text": filterset.text})
    if data.get("language"):
        languages = dict(LANGUAGES)
        names = [str(languages[code]) for code in data["language"]]
        if get_language() in LOWER_CASE_LANGUAGE_NAMES:
            names = [name.lower() for name in names]
        parts.append(_("in %(languages)s") % {"languages": either(names)})
    if named.get("topic"):
        join = every if data.get("topic_mode") == "all" else either
        parts.append(_("about %(topics)s") % {"topics": join(named["topic"])})
    if named.get("audience"):
        parts.append(_("for %(audiences)s") % {"audiences": either(named["audience"])})
    if named.get("organization"):
        parts.append(_("from %(organizations)s") % {"organizations": either(named["organization"])})
    if named.get("region"):
        parts.append(_("concerning %(regions)s") % {"regions": either(named["region"])})
    if data.get("year"):
        parts.append(_("dated %(years)s") % {"years": either(data["year"])})
    if data.get("date_from"):
        parts.append(_("since %(date)s") % {"date": date_format(data["date_from"])})
    if data.get("date_to"):
        parts.append(_("until %(date)s") % {"date": date_format(data["date_to"])})
    if data.get("has"):
        parts.append(either(HAS_PHRASES[value] for value in data["has"]))
    if data.get("access"):
        access = dict(Resource.Access.choices)
        parts.append(f"({either(access[value] for value in data['access'])})")
    if data.get("upcoming"):
        parts.append(f"({_('Upcoming live sessions only')})")
    if not parts and not kinds:
        return ""
    head = either(KIND_PLURALS[kind] for kind in kinds) if kinds else _("Resources")
    return " ".join([head, *parts])
