"""Identity pools, their identities and the logins linked to each identity."""
from __future__ import annotations

from django.db import models

from core import crypto


class IdentityPool(models.Model):
    """One identity pool: its providers, roles, role mappings and principal-tag maps (AWS's shapes)."""

    pool_id = models.CharField(primary_key=True, max_length=55)  # <region>:<uuid>
    name = models.CharField(max_length=128)
    allow_unauthenticated = models.BooleanField(default=False)
    allow_classic_flow = models.BooleanField(default=False)
    developer_provider_name = models.CharField(max_length=128, blank=True, default="")
    supported_login_providers = models.JSONField(default=dict, blank=True)
    cognito_identity_providers = models.JSONField(default=list, blank=True)  # [{ProviderName, ClientId, ServerSideTokenCheck}]
    openid_connect_provider_arns = models.JSONField(default=list, blank=True)
    saml_provider_arns = models.JSONField(default=list, blank=True)
    roles = models.JSONField(default=dict, blank=True)  # {"authenticated": arn, "unauthenticated": arn}
    role_mappings = models.JSONField(default=dict, blank=True)  # provider -> RoleMapping
    principal_tag_maps = models.JSONField(default=dict, blank=True)  # provider -> {UseDefaults, PrincipalTags}
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "pool_id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.pool_id})"


class Identity(models.Model):
    """An identity of a pool, `<region>:<uuid>`; guests have no logins."""

    identity_id = models.CharField(primary_key=True, max_length=55)
    pool = models.ForeignKey(IdentityPool, on_delete=models.CASCADE, related_name="identities")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created", "identity_id"]
        verbose_name_plural = "identities"

    def __str__(self) -> str:
        return self.identity_id


class Login(models.Model):
    """A provider's user linked to an identity. One provider user belongs to one identity of a pool:
    the unique constraint is what makes two concurrent first GetId calls end with one identity."""

    pool = models.ForeignKey(IdentityPool, on_delete=models.CASCADE, related_name="logins")
    identity = models.ForeignKey(Identity, on_delete=models.CASCADE, related_name="logins")
    provider = models.CharField(max_length=256)  # canonical provider name (or the developer provider name)
    subject = models.CharField(max_length=1024)  # the provider's subject (or the developer user identifier)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "id"]
        constraints = [models.UniqueConstraint(fields=["pool", "provider", "subject"], name="identity_login_unique")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.subject}"


class SigningKey(models.Model):
    """The RS256 key(s) signing GetOpenIdToken tokens, one service-wide active key like AWS's."""

    kid = models.CharField(max_length=64, unique=True)
    private_key_encrypted = models.TextField()
    public_jwk = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    private_key_pem = crypto.Encrypted("private_key_encrypted")

    def __str__(self) -> str:
        return self.kid
