"""Django admin: identity pools (with their roles and role mappings), identities with their logins."""
from __future__ import annotations

from django.contrib import admin

from identitypools.models import Identity, IdentityPool, Login


class IdentityInline(admin.TabularInline):
    model = Identity
    extra = 0
    fields = ("identity_id", "created", "modified")
    readonly_fields = fields
    show_change_link = True


@admin.register(IdentityPool)
class IdentityPoolAdmin(admin.ModelAdmin):
    list_display = ("pool_id", "name", "allow_unauthenticated", "allow_classic_flow", "developer_provider_name", "created")
    search_fields = ("pool_id", "name")
    readonly_fields = ("pool_id", "created", "modified")
    fieldsets = (
        (None, {"fields": ("pool_id", "name", "allow_unauthenticated", "allow_classic_flow", "tags", "created", "modified")}),
        ("Providers", {"fields": ("cognito_identity_providers", "openid_connect_provider_arns", "supported_login_providers",
                                  "developer_provider_name", "saml_provider_arns")}),
        ("Roles and role mappings", {"fields": ("roles", "role_mappings", "principal_tag_maps")}),
    )


class LoginInline(admin.TabularInline):
    model = Login
    extra = 0
    fields = ("provider", "subject", "created")
    readonly_fields = ("created",)


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    list_display = ("identity_id", "pool", "created", "modified")
    list_filter = ("pool",)
    search_fields = ("identity_id", "logins__subject")
    readonly_fields = ("identity_id", "pool", "created", "modified")
    inlines = [LoginInline]


@admin.register(Login)
class LoginAdmin(admin.ModelAdmin):
    list_display = ("provider", "subject", "identity", "pool", "created")
    list_filter = ("pool", "provider")
    search_fields = ("subject", "identity__identity_id")
    readonly_fields = ("created",)
