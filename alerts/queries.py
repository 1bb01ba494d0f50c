"""What an alert searches for: the search page's query string, checked and put in one order.

A search page's address may carry anything (a page number, a sort, a stale bookmark's filters);
an alert keeps only what chooses resources, in a fixed order, so that the same search asked for
twice is one alert, and refuses what the search page would silently drop (a malformed date, a
type or a topic that does not exist), since an alert that quietly searched for more, or for
nothing, would mislead for months.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from common.forms import CONTROL_CHARS
from resources.models import Resource
from search.filters import MAX_VALUES, ResourceFilterSet
from search.phrases import named_rows, rows_named

from .models import MAX_QUERY_LENGTH

# What chooses resources, in the order an alert's query string keeps (``sort`` and ``page`` do not).
PARAMETERS = ["q", "exact", "kind", "topic", "topic_mode", "audience", "language", "organization",
              "region", "year", "date_from", "date_to", "access", "has", "upcoming"]  # fmt: skip
LISTS = {"kind", "topic", "audience", "language", "organization", "region", "year", "access", "has"}


class BadSearch(ValueError):
    """A query string an alert cannot be made of; ``problems`` says why, per parameter."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__(problems)
        self.problems = problems


def filterset(params) -> ResourceFilterSet:
    return ResourceFilterSet(params, queryset=Resource.objects.none())


def stored_search(query: str) -> ResourceFilterSet:
    """The parameters of an alert's (normalised) query string."""
    return filterset(QueryDict(query))


def normalise(params: QueryDict) -> str:
    """The alert's query string for the search page's parameters ``params``, or ``BadSearch``."""
    checked = filterset(params)
    problems = {name: list(errors) for name, errors in checked.ignored.items()
                if name not in {"sort", "page"}}  # fmt: skip
    data = checked.data_clean
    for name in LISTS:
        typed = [value.strip().lower() for value in params.getlist(name) if value.strip()]
        if len(typed) > MAX_VALUES:
            problems.setdefault(name, []).append(_("Too many values."))
        elif len(set(typed)) != len(data.get(name) or []):
            unknown = sorted(set(typed) - {str(value) for value in data.get(name) or []})
            problems.setdefault(name, []).append(
                _("Not a known value: %(values)s.") % {"values": ", ".join(unknown)}
            )
    if problems:
        raise BadSearch(problems)
    pairs = []
    for name in PARAMETERS:
        value = data.get(name)
        if name == "q":  # NUL and other controls would end in e-mail subjects
            value = " ".join(CONTROL_CHARS.sub(" ", value or "").split())
        if name == "topic_mode" and (value != "all" or not data.get("topic")):
            continue  # "any" is the default
        if value in (None, "", [], False):
            continue
        for item in sorted(value) if isinstance(value, list) else [value]:
            if isinstance(item, dt.date):
                item = item.isoformat()
            elif item is True:
                item = "1"
            pairs.append((name, str(item)))
    query = urlencode(pairs)
    if len(query) > MAX_QUERY_LENGTH:
        raise BadSearch({"q": [_("This search is too long for an alert.")]})
    return query


def check_names(query: str) -> tuple[ResourceFilterSet, dict]:
    """The search of a normalised ``query`` and the rows it names (for ``describe``), once every
    topic, audience, organisation and region it names is known (one query per kind named); else
    ``BadSearch``."""
    checked = stored_search(query)
    data = checked.data_clean
    rows = rows_named([data])
    found = named_rows(data, rows)
    problems = {}
    for name in ResourceFilterSet.SLUG_MODELS:
        if len(found.get(name, [])) != len(data.get(name) or []):
            problems[name] = [_("It names something this directory does not have.")]
    if problems:
        raise BadSearch(problems)
    return checked, rows
