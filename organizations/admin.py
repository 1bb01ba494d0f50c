from django.contrib import admin

from .models import Organization


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "headquarters", "is_key", "status"]
    list_filter = ["kind", "is_key", "status", "networks"]
    search_fields = ["name", "acronym", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["headquarters", "regions_served", "networks"]
    list_select_related = ["headquarters"]
