"""The audit trail in Django admin: read-only, filterable, searchable. No add, change or delete."""
from __future__ import annotations

from django.contrib import admin

from audit.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    # Who did what first: the columns to the right may scroll out of view on a narrow screen.
    list_display = ("event_time", "event_name", "username", "identity_type", "error_code", "event_source", "access_key_id", "source_ip")
    list_filter = ("event_source", "event_name", "identity_type", "error_code", "read_only", ("event_time", admin.DateFieldListFilter))
    search_fields = ("username", "access_key_id", "event_name", "principal_arn", "=event_id")
    date_hierarchy = "event_time"
    ordering = ("-event_time", "-event_id")
    actions = None  # no bulk delete
    show_facets = admin.ShowFacets.NEVER  # a COUNT per filter choice over the whole trail
    show_full_result_count = False  # a COUNT(*) over a large trail on every page is too dear

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
