"""The organisation directory's search and filters."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from thesaurus.models import Region

from .models import Organization


class OrganizationFilterSet(django_filters.FilterSet):
    """Search by name or acronym; filter by kind, country or region, and network."""

    q = django_filters.CharFilter(label=_("Name or acronym"), max_length=100, method="by_name")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organization.Kind.choices,
                                       empty_label=_("All kinds"))  # fmt: skip
    country = django_filters.ModelChoiceFilter(
        label=_("Country or region"),
        queryset=Region.objects.all(),
        to_field_name="slug",
        method="by_country",
        empty_label=_("Anywhere"),
    )
    network = django_filters.ModelChoiceFilter(
        label=_("Member of"),
        queryset=Organization.objects.published().filter(kind=Organization.Kind.NETWORK),
        to_field_name="slug",
        field_name="networks",
        empty_label=_("Any network"),
    )
    key = django_filters.BooleanFilter(
        label=_("Key organisations only"), widget=forms.CheckboxInput, method="key_only"
    )

    class Meta:
        model = Organization
        fields = []

    def by_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(acronym__iexact=value)
                               | Q(acronym__istartswith=value))  # fmt: skip

    def by_country(self, queryset, name, region):
        return queryset.filter(Q(headquarters=region) | Q(regions_served=region)).distinct()

    def key_only(self, queryset, name, value):
        return queryset.filter(is_key=True) if value else queryset
