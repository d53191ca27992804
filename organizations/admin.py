"""SCPs in the admin, read-only: guardrails change through the Organizations API, whose services
validate documents, keep AWS's attachment limits and tell every process that the SCPs changed."""
from django.contrib import admin

from organizations.models import Attachment, Policy


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AttachmentInline(admin.TabularInline):
    model = Attachment
    fields = ("target", "created")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Policy)
class PolicyAdmin(ReadOnly):
    list_display = ("name", "policy_id", "aws_managed", "created")
    search_fields = ("name", "policy_id")
    fields = ("policy_id", "name", "description", "content", "aws_managed", "tags", "created")
    readonly_fields = fields
    inlines = [AttachmentInline]
