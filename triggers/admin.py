"""Admin: the invocation log (read-only) and the registered plugins."""
from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path

from triggers import registry
from triggers.models import TriggerInvocation


@admin.register(TriggerInvocation)
class TriggerInvocationAdmin(admin.ModelAdmin):
    list_display = ["started_at", "pool_id", "trigger_source", "function_name", "attempt", "synchronous", "outcome", "duration_ms"]
    list_filter = ["outcome", "synchronous", "trigger_source"]
    search_fields = ["=pool_id", "function_name"]  # exact pool id: the indexed lookup
    date_hierarchy = "started_at"
    show_full_result_count = False  # no COUNT(*) over a long log on every page
    readonly_fields = [field.name for field in TriggerInvocation._meta.fields]
    change_list_template = "admin/triggers/triggerinvocation/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TriggerInvocation | None = None) -> bool:
        return False

    def get_urls(self):
        urls = [path("plugins/", self.admin_site.admin_view(self.plugins_view), name="triggers_plugins")]
        return urls + super().get_urls()

    def plugins_view(self, request: HttpRequest) -> HttpResponse:
        try:
            plugins, error = sorted(registry.plugins().values(), key=lambda plugin: plugin.name), ""
        except ImproperlyConfigured as exc:
            plugins, error = [], str(exc)
        context = {
            **self.admin_site.each_context(request),
            "title": "Registered trigger plugins",
            "opts": self.model._meta,
            "plugins": plugins,
            "error": error,
        }
        return TemplateResponse(request, "admin/triggers/plugins.html", context)
