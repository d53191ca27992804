"""IAM's data: principals (root and users), groups, roles, managed policies and their versions,
inline policies, access keys, OIDC providers, and the generation counter that invalidates
compiled policy sets."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import models as auth_models
from django.db import models

from core import crypto
from iam import ids

# An access key's or a role's last use is written at most this often, so a busy one costs no write per call.
LAST_USED_GRANULARITY = timedelta(minutes=1)


class Principal(models.Model):
    """Who signs a request with a long-term key: the account root or an IAM user."""

    name = models.CharField(max_length=128, unique=True)
    is_root = models.BooleanField(default=False)
    path = models.CharField(max_length=512, default="/")
    # AWS's stable `AIDA...` id; blank only for root (whose user id is the account).
    user_id = models.CharField(max_length=32, blank=True, default="", db_index=True)
    permissions_boundary = models.ForeignKey(
        "ManagedPolicy", null=True, blank=True, on_delete=models.PROTECT, related_name="boundary_of_users"
    )
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "IAM user"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.is_root and not self.user_id:
            self.user_id = ids.unique_id(ids.USER)
        super().save(*args, **kwargs)

    def arn(self, account_id: str) -> str:
        if self.is_root:
            return f"arn:aws:iam::{account_id}:root"
        return f"arn:aws:iam::{account_id}:user{self.path or '/'}{self.name}"

    @property
    def identity_type(self) -> str:
        """CloudTrail's userIdentity.type."""
        return "Root" if self.is_root else "IAMUser"


class Group(models.Model):
    name = models.CharField(max_length=128, unique=True)
    path = models.CharField(max_length=512, default="/")
    group_id = models.CharField(max_length=32, unique=True)
    members = models.ManyToManyField(Principal, blank=True, related_name="iam_groups")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "IAM group"

    def __str__(self) -> str:
        return self.name

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:group{self.path}{self.name}"


class Role(models.Model):
    name = models.CharField(max_length=64, unique=True)
    path = models.CharField(max_length=512, default="/")
    role_id = models.CharField(max_length=32, unique=True)
    assume_role_policy = models.TextField()
    description = models.CharField(max_length=1000, blank=True, default="")
    max_session_duration = models.PositiveIntegerField(default=3600)
    permissions_boundary = models.ForeignKey(
        "ManagedPolicy", null=True, blank=True, on_delete=models.PROTECT, related_name="boundary_of_roles"
    )
    tags = models.JSONField(default=dict, blank=True)
    last_used = models.DateTimeField(null=True, blank=True)
    last_used_region = models.CharField(max_length=32, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "IAM role"

    def __str__(self) -> str:
        return self.name

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:role{self.path}{self.name}"


class ManagedPolicy(models.Model):
    """A customer managed policy; its document lives in its versions."""

    name = models.CharField(max_length=128, unique=True)
    path = models.CharField(max_length=512, default="/")
    policy_id = models.CharField(max_length=32, unique=True)
    description = models.CharField(max_length=1000, blank=True, default="")
    default_version_id = models.CharField(max_length=16, default="v1")
    next_version = models.PositiveIntegerField(default=2)  # version ids are never reused
    tags = models.JSONField(default=dict, blank=True)
    users = models.ManyToManyField(Principal, blank=True, related_name="attached_policies")
    groups = models.ManyToManyField(Group, blank=True, related_name="attached_policies")
    roles = models.ManyToManyField(Role, blank=True, related_name="attached_policies")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "IAM managed policy"
        verbose_name_plural = "IAM managed policies"

    def __str__(self) -> str:
        return self.name

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:policy{self.path}{self.name}"

    def default_document(self) -> str:
        version = self.versions.filter(version_id=self.default_version_id).first()
        return version.document if version else ""


class PolicyVersion(models.Model):
    policy = models.ForeignKey(ManagedPolicy, on_delete=models.CASCADE, related_name="versions")
    version_id = models.CharField(max_length=16)
    document = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "version_id"], name="iam_policy_version_unique")]
        ordering = ["policy", "created", "id"]

    def __str__(self) -> str:
        return f"{self.policy.name} {self.version_id}"


class InlinePolicy(models.Model):
    """A policy embedded in exactly one user, group or role."""

    user = models.ForeignKey(Principal, null=True, blank=True, on_delete=models.CASCADE, related_name="inline_policies")
    group = models.ForeignKey(Group, null=True, blank=True, on_delete=models.CASCADE, related_name="inline_policies")
    role = models.ForeignKey(Role, null=True, blank=True, on_delete=models.CASCADE, related_name="inline_policies")
    name = models.CharField(max_length=128)
    document = models.TextField()

    class Meta:
        verbose_name = "IAM inline policy"
        verbose_name_plural = "IAM inline policies"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="iam_inline_user_unique"),
            models.UniqueConstraint(fields=["group", "name"], name="iam_inline_group_unique"),
            models.UniqueConstraint(fields=["role", "name"], name="iam_inline_role_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AccessKey(models.Model):
    ACTIVE, INACTIVE = "Active", "Inactive"

    access_key_id = models.CharField(max_length=128, unique=True)
    # Encrypted, not hashed: verifying an HMAC signature needs the secret itself.
    secret_encrypted = models.TextField()
    principal = models.ForeignKey(Principal, on_delete=models.CASCADE, related_name="access_keys")
    status = models.CharField(max_length=16, default=ACTIVE, choices=[(ACTIVE, ACTIVE), (INACTIVE, INACTIVE)])
    created = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute per key (see iam.services.authentication), not on every call.
    last_used = models.DateTimeField(null=True, blank=True)
    last_used_service = models.CharField(max_length=64, blank=True, default="")
    last_used_region = models.CharField(max_length=32, blank=True, default="")

    def __str__(self) -> str:
        return self.access_key_id

    secret = crypto.Encrypted("secret_encrypted")


class OpenIDConnectProvider(models.Model):
    """An OIDC issuer the account trusts for AssumeRoleWithWebIdentity."""

    url = models.CharField(max_length=255, unique=True)  # issuer without scheme, as IAM keeps it
    client_ids = models.JSONField(default=list, blank=True)
    thumbprints = models.JSONField(default=list, blank=True)
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "IAM OIDC provider"

    def __str__(self) -> str:
        return self.url

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:oidc-provider/{self.url}"


class AdminAccount(auth_models.User):
    """An account of the Django admin site (the operators' console): neither a pool user nor an
    IAM principal. Django's own user model, under a name nobody mistakes for those."""

    class Meta:
        proxy = True
        verbose_name = "admin account"
        verbose_name_plural = "admin accounts"


class AdminGroup(auth_models.Group):
    """A group of admin accounts (Django's permissions), not a pool group nor an IAM group."""

    class Meta:
        proxy = True
        verbose_name = "admin group"
        verbose_name_plural = "admin groups"
