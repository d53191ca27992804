from django.contrib import admin

from iam.models import AccessKey, Principal


class AccessKeyInline(admin.TabularInline):
    model = AccessKey
    fields = ("access_key_id", "status", "created")
    readonly_fields = ("access_key_id", "created")
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # keys are made by `createaccesskey`, which shows the secret once


@admin.register(Principal)
class PrincipalAdmin(admin.ModelAdmin):
    list_display = ("name", "is_root", "created")
    inlines = [AccessKeyInline]


@admin.register(AccessKey)
class AccessKeyAdmin(admin.ModelAdmin):
    list_display = ("access_key_id", "principal", "status", "created")
    list_filter = ("status",)
    search_fields = ("access_key_id", "principal__name")
    fields = ("access_key_id", "principal", "status", "created")
    readonly_fields = ("access_key_id", "principal", "created")

    def has_add_permission(self, request):
        return False
