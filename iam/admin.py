"""Django admin for IAM: users, groups, roles, managed policies (JSON validated by the same parser
the API uses) and access keys (a key made here shows its secret once, in a message after save).
Django's own auth models run the admin site; they are listed here as "Admin accounts" and
"Admin groups" so that nobody takes them for pool users or IAM users."""
from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import models as auth_models
from django.db import transaction

from core.errors import ServiceError
from iam import console, ids
from iam.models import AccessKey, AdminAccount, AdminGroup, Group, InlinePolicy, ManagedPolicy, OpenIDConnectProvider, PolicyVersion, Principal, Role
from iam.services import documents, keys, policies


def _validated(text: str, *, kind: str = documents.IDENTITY, max_size: int | None = None) -> str:
    """The document as given if IAM would accept it; the parser's message as a form error if not."""
    try:
        documents.validate(text, kind=kind, max_size=max_size)
    except ServiceError as exc:
        raise forms.ValidationError(exc.message) from None
    return text


def _pretty(text: str) -> str:
    try:
        return json.dumps(json.loads(text), indent=2)
    except ValueError:
        return text


class InlinePolicyForm(forms.ModelForm):
    class Meta:
        model = InlinePolicy
        fields = ("name", "document")
        widgets = {"document": forms.Textarea(attrs={"rows": 8, "cols": 80})}

    def clean_document(self) -> str:
        # The inline formset has set the owner on the instance: use its quota, as the API does.
        owner = self.instance
        limit = documents.USER_INLINE if owner.user_id else documents.GROUP_INLINE if owner.group_id else documents.ROLE_INLINE
        return _validated(self.cleaned_data["document"], max_size=limit)


class InlinePolicyInline(admin.StackedInline):
    model = InlinePolicy
    form = InlinePolicyForm
    extra = 0


class UserInlinePolicyInline(InlinePolicyInline):
    fk_name = "user"


class GroupInlinePolicyInline(InlinePolicyInline):
    fk_name = "group"


class RoleInlinePolicyInline(InlinePolicyInline):
    fk_name = "role"


class AccessKeyInline(admin.TabularInline):
    model = AccessKey
    fields = ("access_key_id", "status", "created", "last_used", "last_used_service")
    readonly_fields = ("access_key_id", "created", "last_used", "last_used_service")
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # made by the "Create an access key" action, which shows the secret once


@admin.action(description="Create an access key (the secret is shown once)")
def create_access_key(modeladmin, request, queryset):
    for principal in queryset:
        with transaction.atomic():
            new = keys.create_access_key(principal)
            console.record(request, "CreateAccessKey", console.OPERATIONS[AccessKey].names(new.key))
        modeladmin.message_user(
            request,
            f"Access key for {principal.name}: AWS_ACCESS_KEY_ID={new.access_key_id} "
            f"AWS_SECRET_ACCESS_KEY={new.secret_access_key} (the secret is not shown again)",
            messages.WARNING,
        )


@admin.register(Principal)
class PrincipalAdmin(console.AuditedAdmin):
    list_display = ("name", "path", "user_id", "is_root", "created")
    search_fields = ("name", "user_id")
    fields = ("name", "path", "user_id", "is_root", "permissions_boundary", "tags", "created")
    readonly_fields = ("user_id", "is_root", "created")
    inlines = [AccessKeyInline, UserInlinePolicyInline]
    actions = [create_access_key]


@admin.register(Group)
class GroupAdmin(console.AuditedAdmin):
    list_display = ("name", "path", "group_id", "created")
    search_fields = ("name",)
    fields = ("name", "path", "group_id", "members", "created")
    readonly_fields = ("group_id", "created")
    filter_horizontal = ("members",)
    inlines = [GroupInlinePolicyInline]

    def save_model(self, request, obj, form, change):
        if not obj.group_id:
            obj.group_id = ids.unique_id(ids.GROUP)
        super().save_model(request, obj, form, change)


class RoleForm(forms.ModelForm):
    class Meta:
        model = Role
        fields = ("name", "path", "description", "assume_role_policy", "max_session_duration", "permissions_boundary", "tags")
        widgets = {"assume_role_policy": forms.Textarea(attrs={"rows": 10, "cols": 80})}

    def clean_assume_role_policy(self) -> str:
        return _validated(self.cleaned_data["assume_role_policy"], kind=documents.TRUST, max_size=documents.TRUST_SIZE)

    def clean_max_session_duration(self) -> int:
        value = self.cleaned_data["max_session_duration"]
        if not 3600 <= value <= 43200:
            raise forms.ValidationError("MaxSessionDuration must be between 3600 and 43200 seconds.")
        return value


@admin.register(Role)
class RoleAdmin(console.AuditedAdmin):
    form = RoleForm
    list_display = ("name", "path", "role_id", "max_session_duration", "created")
    search_fields = ("name", "role_id")
    readonly_fields = ("role_id", "created")
    inlines = [RoleInlinePolicyInline]

    def get_fields(self, request, obj=None):
        return ("name", "path", "role_id", "description", "assume_role_policy", "max_session_duration", "permissions_boundary", "tags", "created")

    def save_model(self, request, obj, form, change):
        if not obj.role_id:
            obj.role_id = ids.unique_id(ids.ROLE)
        super().save_model(request, obj, form, change)


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    fields = ("version_id", "created", "pretty_document")
    readonly_fields = ("version_id", "created", "pretty_document")
    extra = 0
    can_delete = True

    def has_add_permission(self, request, obj=None):
        return False  # a new version is made by editing the policy's document

    @admin.display(description="document")
    def pretty_document(self, version: PolicyVersion) -> str:
        return _pretty(version.document)


class ManagedPolicyForm(forms.ModelForm):
    document = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80}),
        help_text="The default version's JSON. Saving a changed document makes a new version and sets it as the default.",
    )

    class Meta:
        model = ManagedPolicy
        fields = ("name", "path", "description", "tags", "users", "groups", "roles")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["document"].initial = _pretty(self.instance.default_document())

    def clean_document(self) -> str:
        return _validated(self.cleaned_data["document"], max_size=documents.MANAGED)

    def clean(self):
        cleaned = super().clean()
        changed = self.instance.pk and "document" in self.changed_data
        if changed and self.instance.versions.count() >= policies.MAX_VERSIONS:
            raise forms.ValidationError(
                f"A managed policy can have up to {policies.MAX_VERSIONS} versions. "
                "Before you create a new version, you must delete an existing version."
            )
        return cleaned


@admin.register(ManagedPolicy)
class ManagedPolicyAdmin(console.AuditedAdmin):
    form = ManagedPolicyForm
    list_display = ("name", "path", "policy_id", "default_version_id", "updated")
    search_fields = ("name", "policy_id")
    readonly_fields = ("policy_id", "default_version_id", "created", "updated")
    filter_horizontal = ("users", "groups", "roles")
    inlines = [PolicyVersionInline]

    def get_fields(self, request, obj=None):
        return ("name", "path", "policy_id", "description", "document", "default_version_id", "tags", "users", "groups", "roles", "created", "updated")

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        document = form.cleaned_data["document"]
        if not change:
            obj.policy_id = ids.unique_id(ids.POLICY)
            super().save_model(request, obj, form, change)
            PolicyVersion.objects.create(policy=obj, version_id="v1", document=document)
            return
        super().save_model(request, obj, form, change)
        if "document" in form.changed_data:
            version = PolicyVersion.objects.create(policy=obj, version_id=f"v{obj.next_version}", document=document)
            obj.next_version += 1
            obj.default_version_id = version.version_id
            obj.save()


class AccessKeyAddForm(forms.ModelForm):
    class Meta:
        model = AccessKey
        fields = ("principal",)


@admin.register(AccessKey)
class AccessKeyAdmin(console.AuditedAdmin):
    list_display = ("access_key_id", "principal", "status", "created", "last_used")
    list_filter = ("status",)
    search_fields = ("access_key_id", "principal__name")
    fields = ("access_key_id", "principal", "status", "created", "last_used", "last_used_service", "last_used_region")
    readonly_fields = ("access_key_id", "created", "last_used", "last_used_service", "last_used_region")

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = AccessKeyAddForm
            kwargs["fields"] = ("principal",)
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return ("principal",) if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields + ("principal",)

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        obj.access_key_id, secret = ids.access_key_id(), ids.secret_access_key()
        obj.secret = secret
        super().save_model(request, obj, form, change)
        self.message_user(
            request,
            f"AWS_ACCESS_KEY_ID={obj.access_key_id} AWS_SECRET_ACCESS_KEY={secret} "
            "(copy the secret now: it is never shown again)",
            messages.WARNING,
        )


@admin.register(OpenIDConnectProvider)
class OpenIDConnectProviderAdmin(console.AuditedAdmin):
    list_display = ("url", "created")
    fields = ("url", "client_ids", "thumbprints", "tags", "created")
    readonly_fields = ("created",)


# Django's own accounts run the admin site; shown as "Admin accounts"/"Admin groups" beside the
# IAM entities, and not as a second pair of bare "Users"/"Groups" next to the pool's.
admin.site.unregister(auth_models.User)
admin.site.unregister(auth_models.Group)
admin.site.register(AdminAccount, auth_admin.UserAdmin)
admin.site.register(AdminGroup, auth_admin.GroupAdmin)
