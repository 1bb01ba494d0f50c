"""The parameters of the search page, validated by a django-filter FilterSet.

The same FilterSet serves the search page, its feed and its exports, so one URL means the same
results everywhere. Each active filter becomes one condition (a ``Q``); the search page needs them
one by one to count, for every choice of a filter, how many results it would give (facets).
"""

from __future__ import annotations

import datetime as dt
import re

import django_filters
from django import forms
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization
from resources.models import LANGUAGES, Resource, not_over
from thesaurus.models import Audience, Region, Topic

SLUG_RE = re.compile(r"^[-a-z0-9_]{1,100}$")
MAX_VALUES = 20  # per filter: more is not a real visitor

SORTS = [
    ("relevance", _("Best match")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
    ("title", _("Title A–Z")),
]
HAS_CHOICES = [("recording", _("Has a recording")), ("file", _("Has a file to download"))]


class LenientMultipleField(forms.Field):
    """Several values of one parameter (``?topic=a&topic=b``). Values that are malformed are
    dropped rather than failing the whole search: a stale bookmark still finds something."""

    widget = forms.SelectMultiple

    def __init__(self, *, pattern=SLUG_RE, allowed=None, convert=str, **kwargs):
        self.pattern, self.allowed, self.convert = pattern, allowed, convert
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, list | tuple) else [value]
        cleaned = []
        for item in values[:MAX_VALUES]:
            item = str(item).strip().lower()
            if self.pattern.match(item) and (self.allowed is None or item in self.allowed):
                converted = self.convert(item)
                if converted not in cleaned:
                    cleaned.append(converted)
        return cleaned


class ValuesFilter(django_filters.Filter):
    field_class = LenientMultipleField


def choice_values(choices) -> set[str]:
    return {str(value) for value, _label in choices}


class ResourceFilterSet(django_filters.FilterSet):
    """Every parameter of ``/resources/``. Conditions are applied together in ``filter_queryset``;
    the filters' own methods do nothing so that each condition can also be used on its own."""

    q = django_filters.CharFilter(label=_("Search"), max_length=200, method="noop")
    kind = ValuesFilter(
        label=_("Type"), allowed=choice_values(Resource.Kind.choices), method="noop"
    )
    topic = ValuesFilter(label=_("Topic"), method="noop")
    topic_mode = django_filters.ChoiceFilter(
        label=_("Match"),
        choices=[("any", _("any of these topics")), ("all", _("all of these topics"))],
        empty_label=None,
        method="noop",
    )
    audience = ValuesFilter(label=_("Audience"), method="noop")
    language = ValuesFilter(label=_("Language"), allowed=choice_values(LANGUAGES), method="noop")
    organization = ValuesFilter(label=_("Organisation"), method="noop")
    region = ValuesFilter(label=_("Country or region"), method="noop")
    year = ValuesFilter(
        label=_("Year"), pattern=re.compile(r"^(19|20)\d\d$"), convert=int, method="noop"
    )
    date_from = django_filters.DateFilter(label=_("From"), method="noop")
    date_to = django_filters.DateFilter(label=_("To"), method="noop")
    access = ValuesFilter(
        label=_("Access"), allowed=choice_values(Resource.Access.choices), method="noop"
    )
    upcoming = django_filters.BooleanFilter(
        label=_("Upcoming live sessions only"), widget=forms.CheckboxInput, method="noop"
    )
    has = ValuesFilter(label=_("Recording or file"), allowed=choice_values(HAS_CHOICES),
                       method="noop")  # fmt: skip
    sort = django_filters.ChoiceFilter(label=_("Sort by"), choices=SORTS, method="noop")
    # The words exactly as typed: no synonyms, other languages, corrections or partial matches.
    exact = django_filters.BooleanFilter(
        label=_("Exact words only"), widget=forms.CheckboxInput, method="noop"
    )

    class Meta:
        model = Resource
        fields = []

    # Filters counted per choice on the search page, in the order they are shown.
    FACETS = ["kind", "topic", "audience", "language", "organization", "region", "year", "access",
              "has"]  # fmt: skip
    # Filters whose values name rows of another table, by slug.
    SLUG_MODELS = {
        "topic": Topic,
        "audience": Audience,
        "organization": Organization,
        "region": Region,
    }

    def noop(self, queryset, name, value):
        return queryset

    @property
    def data_clean(self) -> dict:
        """The valid parameters (invalid ones are ignored and reported by ``ignored``)."""
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def ignored(self) -> dict[str, list[str]]:
        self.form.is_valid()
        return {field: [str(e) for e in errors] for field, errors in self.form.errors.items()}

    @property
    def text(self) -> str:
        return (self.data_clean.get("q") or "").strip()

    @property
    def sort_order(self) -> str:
        return self.data_clean.get("sort") or ("relevance" if self.text else "newest")

    def conditions(self) -> dict[str, Q]:
        """One condition per active filter (text search excluded: see ``resources.search``), on
        the columns of a search row (``search.models.SearchRow``)."""
        data = self.data_clean
        found: dict[str, Q] = {}
        if data.get("kind"):
            found["kind"] = Q(kind__in=data["kind"])
        if data.get("language"):
            found["language"] = Q(language__in=data["language"])
        if data.get("access"):
            found["access"] = Q(access__in=data["access"])
        for name, model in self.SLUG_MODELS.items():
            if data.get(name):
                rows = model.objects.published() if model is Organization else model.objects
                # The ids themselves, not a subquery: the planner then knows how many rows have
                # them (a topic of 22,000 resources is read along the date index for its page,
                # not gathered and sorted: 33 -> 1 ms at 100,000 resources).
                ids = list(rows.filter(slug__in=data[name]).values_list("pk", flat=True))
                array = f"{name}_ids"
                if name == "topic" and data.get("topic_mode") == "all":
                    found[name] = Q(**{f"{array}__contains": ids})
                else:
                    found[name] = Q(**{f"{array}__overlap": ids})
        if data.get("year"):
            # Date ranges, not EXTRACT(YEAR ...), so that the sort_date index can serve them.
            years = Q()
            for year in data["year"]:
                years |= Q(sort_date__range=(dt.date(year, 1, 1), dt.date(year, 12, 31)))
            found["year"] = years
        if data.get("date_from"):
            found["date_from"] = Q(sort_date__gte=data["date_from"])
        if data.get("date_to"):
            found["date_to"] = Q(sort_date__lte=data["date_to"])
        if data.get("upcoming"):
            found["upcoming"] = not_over(timezone.now())
        if data.get("has"):
            has = Q()
            if "recording" in data["has"]:
                has |= Q(has_recording=True)
            if "file" in data["has"]:
                has |= Q(has_file=True)
            found["has"] = has
        return found

    def filter_queryset(self, queryset):
        for condition in self.conditions().values():
            queryset = queryset.filter(condition)
        return queryset

    def active(self) -> list[tuple[str, str]]:
        """(parameter, value) pairs of the active filters, for the "remove this filter" links."""
        data = self.data_clean
        pairs = []
        for name in [*self.FACETS, "date_from", "date_to", "upcoming"]:
            value = data.get(name)
            if value in (None, "", [], False):
                continue
            for item in value if isinstance(value, list) else [value]:
                if isinstance(item, dt.date):
                    item = item.isoformat()
                pairs.append((name, "1" if item is True else str(item)))
        return pairs


def flag(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=BooleanField())
