from django.contrib import admin
from django.db.models import Case, IntegerField, Q, Value, When

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "headquarters", "is_key", "status"]
    list_filter = ["kind", "is_key", "status", "networks"]
    search_fields = ["name", "acronym", "description"]
    # What the autocomplete of other pages' organisation fields searches: the names people type.
    autocomplete_search_fields = ["name", "acronym"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["headquarters", "regions_served", "networks"]
    list_select_related = ["headquarters"]

    def get_search_fields(self, request):
        if _is_autocomplete(request):
            return self.autocomplete_search_fields
        return super().get_search_fields(request)

    def get_search_results(self, request, queryset, search_term):
        """In the autocomplete, the organisation whose acronym or name is exactly what was typed
        comes first (pressing Enter picks it), then those that start with it, then the rest by
        name: "IRCT" must never pick an organisation that merely mentions IRCT."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if term and _is_autocomplete(request):
            queryset = queryset.annotate(
                closeness=Case(
                    When(Q(acronym__iexact=term) | Q(name__iexact=term), then=Value(0)),
                    When(Q(acronym__istartswith=term) | Q(name__istartswith=term), then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                )
            ).order_by("closeness", "name", "pk")
        return queryset, may_have_duplicates


def _is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"
