"""Django admin for user pools: inspection and small fixes.

Objects are created through the API, whose services apply Cognito's rules (ids, defaults,
password hashing, secrets); here configuration is shown read-only and secrets never at all.
"""
from __future__ import annotations

import json
import uuid

from django.contrib import admin
from django.db.models import Q
from django.utils.html import format_html

from userpools.models import (
    Group,
    GroupMembership,
    ResourceServer,
    User,
    UserAttribute,
    UserPool,
    UserPoolClient,
)


def pretty_json(value) -> str:
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, default=str))


class CreatedThroughApiAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False


@admin.register(UserPool)
class UserPoolAdmin(CreatedThroughApiAdmin):
    list_display = ("id", "name", "created")
    search_fields = ("=id", "name")
    fields = ("id", "name", "created", "modified", "configuration", "pool_tags")
    readonly_fields = ("id", "created", "modified", "configuration", "pool_tags")

    @admin.display(description="Configuration")
    def configuration(self, pool: UserPool) -> str:
        return pretty_json(pool.config)

    @admin.display(description="Tags")
    def pool_tags(self, pool: UserPool) -> str:
        return pretty_json(pool.tags)


@admin.register(UserPoolClient)
class UserPoolClientAdmin(CreatedThroughApiAdmin):
    list_display = ("client_id", "name", "pool", "has_secret", "created")
    list_select_related = ("pool",)
    search_fields = ("=client_id", "name")
    # secret_encrypted is deliberately absent: the secret is shown once, by the API that makes it.
    fields = ("client_id", "pool", "name", "has_secret", "created", "modified", "configuration")
    readonly_fields = ("client_id", "pool", "has_secret", "created", "modified", "configuration")

    @admin.display(boolean=True, description="Has secret")
    def has_secret(self, client: UserPoolClient) -> bool:
        return bool(client.secret_encrypted)

    @admin.display(description="Configuration")
    def configuration(self, client: UserPoolClient) -> str:
        return pretty_json(client.config)


class UserAttributeInline(admin.TabularInline):
    model = UserAttribute
    fields = ("name", "value")
    readonly_fields = ("name", "value")  # attribute rules (schema, mutability) live in the services
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class GroupMembershipInline(admin.TabularInline):
    model = GroupMembership
    fields = ("group", "created")
    readonly_fields = ("group", "created")
    extra = 0
    verbose_name = "group membership"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(CreatedThroughApiAdmin):
    list_display = ("username", "pool", "status", "enabled", "created")
    list_filter = ("status", "enabled")
    list_select_related = ("pool",)
    search_fields = ("username",)
    search_help_text = "Username prefix, or a sub (UUID)."
    show_full_result_count = False  # no second COUNT(*) over a pool of millions
    fields = ("username", "pool", "sub", "status", "enabled", "has_password", "created", "modified")
    readonly_fields = ("username", "pool", "sub", "has_password", "created", "modified")
    inlines = [UserAttributeInline, GroupMembershipInline]

    @admin.display(boolean=True, description="Has password")
    def has_password(self, user: User) -> bool:
        return bool(user.password)

    def get_search_results(self, request, queryset, search_term):
        # A prefix on username_key (as given, and lower-cased for case-insensitive pools) can use the
        # (pool, username_key) index; Django's default icontains search would scan every user.
        term = search_term.strip()
        if not term:
            return queryset, False
        condition = Q(username_key__startswith=term) | Q(username_key__startswith=term.lower())
        try:
            condition |= Q(sub=uuid.UUID(term))
        except ValueError:
            pass
        return queryset.filter(condition), False


@admin.register(Group)
class GroupAdmin(CreatedThroughApiAdmin):
    list_display = ("name", "pool", "precedence", "created")
    list_select_related = ("pool",)
    search_fields = ("name",)
    fields = ("name", "pool", "description", "role_arn", "precedence", "created", "modified")
    readonly_fields = ("name", "pool", "created", "modified")


@admin.register(ResourceServer)
class ResourceServerAdmin(CreatedThroughApiAdmin):
    list_display = ("identifier", "name", "pool")
    list_select_related = ("pool",)
    search_fields = ("identifier", "name")
    fields = ("identifier", "pool", "name", "scope_list")
    readonly_fields = ("identifier", "pool", "scope_list")

    @admin.display(description="Scopes")
    def scope_list(self, server: ResourceServer) -> str:
        return pretty_json(server.scopes)
