"""User-pool data. Pool and client settings are kept in AWS's own shape (JSON) so that
Describe* returns exactly what was stored; what is looked up or filtered on has its own
indexed column."""
from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower

from core import crypto

# PostgreSQL needs a pattern opclass for LIKE 'prefix%' to use an index; other databases ignore it.
_PATTERN_OPS = "varchar_pattern_ops"


class UserPool(models.Model):
    id = models.CharField(primary_key=True, max_length=55)
    name = models.CharField(max_length=128)
    config = models.JSONField(default=dict)  # every settable member of CreateUserPool/UpdateUserPool
    tags = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"

    @property
    def arn(self) -> str:
        return f"arn:aws:cognito-idp:{settings.REGION}:{settings.ACCOUNT_ID}:userpool/{self.id}"

    @property
    def case_sensitive(self) -> bool:
        return bool(self.config.get("UsernameConfiguration", {}).get("CaseSensitive", True))


class UserPoolClient(models.Model):
    client_id = models.CharField(primary_key=True, max_length=128)
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="clients")
    name = models.CharField(max_length=128)
    secret_encrypted = models.TextField(blank=True, default="")
    config = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["pool", "client_id"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    secret = crypto.Encrypted("secret_encrypted")


def attributes_in_order(rows: Iterable[tuple[int, str, str]]) -> dict[str, str]:
    """A user's attribute rows, (id, name, value), as {name: value} in the order they were first set."""
    return {name: value for _, name, value in sorted(rows)}


class User(models.Model):
    UNCONFIRMED = "UNCONFIRMED"
    CONFIRMED = "CONFIRMED"
    FORCE_CHANGE_PASSWORD = "FORCE_CHANGE_PASSWORD"
    RESET_REQUIRED = "RESET_REQUIRED"
    EXTERNAL_PROVIDER = "EXTERNAL_PROVIDER"
    ARCHIVED = "ARCHIVED"
    UNKNOWN = "UNKNOWN"
    STATUSES = [UNCONFIRMED, CONFIRMED, FORCE_CHANGE_PASSWORD, RESET_REQUIRED, EXTERNAL_PROVIDER, ARCHIVED, UNKNOWN]

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="users")
    username = models.CharField(max_length=128)  # as given
    username_key = models.CharField(max_length=128)  # lower-cased in case-insensitive pools; unique per pool
    sub = models.UUIDField(default=uuid.uuid4)
    status = models.CharField(max_length=32, choices=[(s, s) for s in STATUSES], default=UNCONFIRMED)
    enabled = models.BooleanField(default=True)
    password = models.CharField(max_length=256, blank=True, default="")
    password_set_at = models.DateTimeField(null=True, blank=True)  # temporary passwords expire from here
    # Sign-in lockout (Cognito's schedule), kept on the row so every app server shares it.
    failed_sign_ins = models.PositiveIntegerField(default=0)
    last_failed_sign_in = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    # Tokens issued before this instant are dead (global sign-out, disable, password reset).
    tokens_valid_after = models.DateTimeField(null=True, blank=True)
    # SRP: the verifier v = g^x mod N and its salt (hex), derived whenever a password is set. The
    # verifier is kept encrypted: testing a guessed password against it costs one SHA-256 and one
    # modexp, far cheaper than against the Argon2 hash, so a leaked table must not expose it.
    srp_salt = models.CharField(max_length=64, blank=True, default="")
    srp_verifier_sealed = models.TextField(blank=True, default="")
    srp_verifier = crypto.Encrypted("srp_verifier_sealed")
    # MFA preferences (SetUserMFAPreference / AdminSetUserMFAPreference).
    sms_mfa_enabled = models.BooleanField(default=False)
    software_token_mfa_enabled = models.BooleanField(default=False)
    email_mfa_enabled = models.BooleanField(default=False)
    preferred_mfa = models.CharField(max_length=32, blank=True, default="")  # SMS_MFA | SOFTWARE_TOKEN_MFA | EMAIL_OTP
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "username_key"], name="user_unique_username_per_pool"),
            models.UniqueConstraint(fields=["pool", "sub"], name="user_unique_sub_per_pool"),
        ]
        indexes = [
            models.Index(fields=["pool", "id"], name="user_pool_keyset"),
            models.Index(fields=["pool", "username_key"], name="user_username_prefix", opclasses=[_PATTERN_OPS, _PATTERN_OPS]),
            models.Index(fields=["pool", "status", "id"], name="user_pool_status"),
            models.Index(fields=["pool", "enabled", "id"], name="user_pool_enabled"),
        ]

    def __str__(self) -> str:
        return self.username

    def attribute_values(self) -> dict[str, str]:
        """The stored attributes (without `sub`), in the order they were first set."""
        read_ahead = self.__dict__.get("_read_attributes")
        if read_ahead is not None:
            return dict(read_ahead)
        # .all() so that a prefetch (lookup.find_user) is used instead of a query.
        return {row.name: row.value for row in sorted(self.attributes.all(), key=lambda row: row.id)}

    # --- read ahead (hot_reads): what a call reads with the user's row, in the same statement ---

    def remember_attributes(self, rows: Iterable[tuple[int, str, str]]) -> None:
        """Keep the user's attribute rows, (id, name, value), so `attribute_values()` reads no more."""
        self._read_attributes = attributes_in_order(rows)

    def remember_groups(self, groups: list) -> None:
        """Keep the user's groups (`claims.GroupInfo`), as the tokens' claims need them."""
        self._read_groups = groups

    def groups_read_ahead(self) -> list | None:
        return self.__dict__.get("_read_groups")

    def remember_session_revoked(self, revoked: bool | None) -> None:
        """Keep whether the sign-in of the token being checked is revoked (None: it has no refresh
        token row to tell)."""
        self._read_session_revoked = revoked

    def session_revoked_read_ahead(self) -> bool | None:
        return self.__dict__.get("_read_session_revoked")

    def forget_read_ahead(self) -> None:
        """Drop what was read with the user: it changed, or may have (a trigger's handler may
        write to the user through the API)."""
        for name in ("_read_attributes", "_read_groups", "_read_session_revoked"):
            self.__dict__.pop(name, None)
        getattr(self, "_prefetched_objects_cache", {}).pop("attributes", None)

    def refresh_from_db(self, *args: Any, **kwargs: Any) -> None:
        self.forget_read_ahead()  # as Django drops prefetched rows
        super().refresh_from_db(*args, **kwargs)


class UserAttribute(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="attributes")
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+")  # denormalized for the index
    name = models.CharField(max_length=64)
    value = models.CharField(max_length=2048)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="attribute_unique_per_user")]
        indexes = [
            models.Index(
                fields=["pool", "name", "value"],
                name="attribute_lookup",
                opclasses=[_PATTERN_OPS, _PATTERN_OPS, _PATTERN_OPS],
            ),
            # Sign-in by email or alias in case-insensitive pools: WHERE LOWER(value) = ...
            models.Index(F("pool"), F("name"), Lower("value"), name="attribute_lookup_folded"),
        ]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class Group(models.Model):
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=128)
    description = models.CharField(max_length=2048, blank=True, default="")
    role_arn = models.CharField(max_length=2048, blank=True, default="")
    precedence = models.PositiveIntegerField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    members = models.ManyToManyField(User, through="GroupMembership", related_name="groups")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "name"], name="group_unique_name_per_pool")]

    def __str__(self) -> str:
        return self.name


class GroupMembership(models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE)
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="membership_unique")]
        indexes = [models.Index(fields=["user", "group"], name="membership_by_user")]


class ResourceServer(models.Model):
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="resource_servers")
    identifier = models.CharField(max_length=256)
    name = models.CharField(max_length=256)
    scopes = models.JSONField(default=list)  # [{"ScopeName": ..., "ScopeDescription": ...}]

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "identifier"], name="resource_server_unique")]

    def __str__(self) -> str:
        return self.identifier


class SigningKey(models.Model):
    """An RS256 key of one pool. Retired keys stay published in JWKS until their tokens expire."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="signing_keys")
    kid = models.CharField(max_length=64, unique=True)
    private_key_encrypted = models.TextField()
    public_jwk = models.JSONField()
    created = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["pool", "retired_at"], name="signing_key_active")]

    def __str__(self) -> str:
        return self.kid

    private_key_pem = crypto.Encrypted("private_key_encrypted")


class VerificationCode(models.Model):
    """A one-time code, stored as a keyed hash. One live code per user, purpose and attribute."""

    SIGN_UP, FORGOT_PASSWORD, VERIFY_ATTRIBUTE = "SIGN_UP", "FORGOT_PASSWORD", "VERIFY_ATTRIBUTE"
    MFA = "MFA"  # SMS_MFA / EMAIL_OTP sign-in codes; `attribute` says which channel
    PURPOSES = [SIGN_UP, FORGOT_PASSWORD, VERIFY_ATTRIBUTE, MFA]

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="codes")
    purpose = models.CharField(max_length=32, choices=[(p, p) for p in PURPOSES])
    attribute = models.CharField(max_length=64, blank=True, default="")
    code_hash = models.CharField(max_length=128)
    # With AttributesRequireVerificationBeforeUpdate, the new value waits here until verified.
    pending_value = models.CharField(max_length=2048, blank=True, default="")
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "purpose", "attribute"], name="code_unique_live")]


class RefreshToken(models.Model):
    """An opaque refresh token, stored as a hash. `origin_jti` ties the access and ID tokens
    issued from the same sign-in to it, so revoking it revokes them."""

    token_hash = models.CharField(max_length=128, unique=True)
    origin_jti = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="refresh_tokens")
    client = models.ForeignKey(UserPoolClient, on_delete=models.CASCADE, related_name="refresh_tokens")
    scope = models.CharField(max_length=2048, blank=True, default="")  # an OAuth sign-in's scopes; "" = the user-admin scope
    auth_time = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "revoked_at"], name="refresh_token_by_user")]


class SoftwareToken(models.Model):
    """A user's TOTP authenticator. The secret is encrypted at rest; `last_step` refuses replay."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="software_token")
    secret_encrypted = models.TextField()
    # A secret from AssociateSoftwareToken awaiting VerifySoftwareToken; the verified one keeps working meanwhile.
    pending_secret_encrypted = models.TextField(blank=True, default="")
    verified = models.BooleanField(default=False)
    friendly_name = models.CharField(max_length=128, blank=True, default="")
    last_step = models.BigIntegerField(null=True, blank=True)  # the last accepted TOTP time step
    failed_attempts = models.PositiveIntegerField(default=0)
    # When the last wrong code came: the back-off runs from here, so it survives a cache flush.
    last_failed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    secret = crypto.Encrypted("secret_encrypted")
    pending_secret = crypto.Encrypted("pending_secret_encrypted")


class Device(models.Model):
    """A device the user confirmed (ConfirmDevice); remembered devices may skip MFA."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    device_key = models.CharField(max_length=64, unique=True)  # <region>_<uuid>
    device_group_key = models.CharField(max_length=64)
    name = models.CharField(max_length=256, blank=True, default="")
    srp_salt = models.CharField(max_length=64)
    srp_verifier = models.CharField(max_length=1024)
    remembered = models.BooleanField(default=False)
    last_ip = models.CharField(max_length=64, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)
    last_authenticated = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "id"], name="device_by_user")]


# --- hosted UI and OAuth 2.0 -------------------------------------------------------------------

class UserPoolDomain(models.Model):
    """A pool's hosted-UI domain (CreateUserPoolDomain). Its endpoints answer under the pool's
    issuer URL; the prefix is kept unique across pools, as Cognito's are per region."""

    domain = models.CharField(max_length=63, unique=True)
    pool = models.OneToOneField(UserPool, on_delete=models.CASCADE, related_name="domain")
    config = models.JSONField(default=dict)  # ManagedLoginVersion, CustomDomainConfig, Routing
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.domain


class UICustomization(models.Model):
    """SetUICustomization: CSS and a logo for the pool (client NULL) or one app client."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="ui_customizations")
    client = models.OneToOneField(UserPoolClient, null=True, blank=True, on_delete=models.CASCADE, related_name="ui_customization")
    css = models.TextField(blank=True, default="")
    image = models.BinaryField(blank=True, default=b"")
    css_version = models.CharField(max_length=64, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool"], condition=models.Q(client__isnull=True), name="ui_customization_one_per_pool"),
        ]


class ManagedLoginBranding(models.Model):
    """A managed-login branding style of one app client, kept as the data AWS describes."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="brandings")
    client = models.OneToOneField(UserPoolClient, on_delete=models.CASCADE, related_name="branding")
    use_cognito_provided_values = models.BooleanField(default=False)
    settings = models.JSONField(default=dict)
    assets = models.JSONField(default=list)  # AssetType members, Bytes base64-encoded
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)


class AuthorizationCode(models.Model):
    """An OAuth authorization code: stored hashed, single-use (`used_at` set atomically), short-lived."""

    code_hash = models.CharField(max_length=128, unique=True)
    client = models.ForeignKey(UserPoolClient, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    redirect_uri = models.CharField(max_length=2048)
    scope = models.CharField(max_length=2048)
    nonce = models.CharField(max_length=2048, blank=True, default="")
    code_challenge = models.CharField(max_length=128, blank=True, default="")
    code_challenge_method = models.CharField(max_length=8, blank=True, default="")
    auth_time = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # The sign-in its redemption started (RefreshToken.origin_jti): revoked if the code comes again.
    origin_jti = models.CharField(max_length=64, blank=True, default="")


class HostedSession(models.Model):
    """The hosted UI's single sign-on session of one pool: the cookie holds a random key whose
    hash is stored here, so /logout (or deleting the row) ends it server-side."""

    key_hash = models.CharField(max_length=128, unique=True)
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="hosted_sessions")
    auth_time = models.DateTimeField()
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)


# --- federation ----------------------------------------------------------------------------------

class IdentityProvider(models.Model):
    """An external IdP of a pool (CreateIdentityProvider): OIDC, SAML or a social preset.
    `details` is ProviderDetails as stored (secrets included: Describe returns them, as Cognito does)."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="identity_providers")
    name = models.CharField(max_length=32)
    provider_type = models.CharField(max_length=32)
    details = models.JSONField(default=dict)
    attribute_mapping = models.JSONField(default=dict)
    idp_identifiers = models.JSONField(default=list)
    metadata = models.TextField(blank=True, default="")  # SAML: the IdP's metadata XML in use (from file or URL)
    created = models.DateTimeField(auto_now_add=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "name"], name="identity_provider_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider_type})"


class IdpIdentifier(models.Model):
    """One of a provider's IdpIdentifiers, unique in its pool (GetIdentityProviderByIdentifier)."""

    provider = models.ForeignKey(IdentityProvider, on_delete=models.CASCADE, related_name="identifier_rows")
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+")
    identifier = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pool", "identifier"], name="idp_identifier_unique")]


class ProviderLink(models.Model):
    """An external identity that signs in as a native user (AdminLinkProviderForUser).
    `attribute_name` is Cognito_Subject or a SAML attribute; `value` its value."""

    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="provider_links")
    provider_name = models.CharField(max_length=32)
    attribute_name = models.CharField(max_length=64)
    value = models.CharField(max_length=2048)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "provider_name", "attribute_name", "value"], name="provider_link_unique"),
        ]


class SamlServiceProviderKey(models.Model):
    """The pool's SAML service-provider key pair: its certificate is GetSigningCertificate's."""

    pool = models.OneToOneField(UserPool, on_delete=models.CASCADE, related_name="saml_key")
    certificate_pem = models.TextField()
    private_key_encrypted = models.TextField()
    created = models.DateTimeField(auto_now_add=True)

    private_key_pem = crypto.Encrypted("private_key_encrypted")
class UserImportJob(models.Model):
    """A Cognito user import job (CreateUserImportJob). Progress is kept per batch of CSV lines,
    so a job whose worker died resumes after the last committed batch."""

    CREATED, PENDING, IN_PROGRESS = "Created", "Pending", "InProgress"
    STOPPING, STOPPED, EXPIRED, FAILED, SUCCEEDED = "Stopping", "Stopped", "Expired", "Failed", "Succeeded"
    STATUSES = [CREATED, PENDING, IN_PROGRESS, STOPPING, STOPPED, EXPIRED, FAILED, SUCCEEDED]

    job_id = models.CharField(primary_key=True, max_length=55)  # import-<alphanumerics>
    pool = models.ForeignKey(UserPool, on_delete=models.CASCADE, related_name="import_jobs")
    name = models.CharField(max_length=128)
    cloudwatch_logs_role_arn = models.CharField(max_length=2048)
    status = models.CharField(max_length=16, choices=[(s, s) for s in STATUSES], default=CREATED)
    upload_expires_at = models.DateTimeField()
    uploaded_bytes = models.BigIntegerField(null=True, blank=True)  # None until the CSV is PUT
    lines_done = models.PositiveIntegerField(default=0)  # data lines handled by committed batches
    imported_users = models.PositiveIntegerField(default=0)
    skipped_users = models.PositiveIntegerField(default=0)
    failed_users = models.PositiveIntegerField(default=0)
    completion_message = models.CharField(max_length=128, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    completed = models.DateTimeField(null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)  # the last committed batch

    class Meta:
        indexes = [models.Index(fields=["pool", "created", "job_id"], name="import_job_by_pool")]

    def __str__(self) -> str:
        return f"{self.name} ({self.job_id})"


class UserImportUpload(models.Model):
    """The CSV PUT to a job's pre-signed URL, kept in the database so any worker can read it."""

    job = models.OneToOneField(UserImportJob, on_delete=models.CASCADE, primary_key=True, related_name="upload")
    content = models.BinaryField()


class UserImportLine(models.Model):
    """A line of an import job that was skipped or failed, with Cognito's log message
    (Cognito writes these to CloudWatch Logs; here they stay queryable)."""

    SKIPPED, FAILED = "SKIPPED", "FAILED"

    job = models.ForeignKey(UserImportJob, on_delete=models.CASCADE, related_name="lines")
    line_number = models.PositiveIntegerField()  # in the file, the header being line 1
    outcome = models.CharField(max_length=8, choices=[(SKIPPED, SKIPPED), (FAILED, FAILED)])
    message = models.CharField(max_length=512)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "line_number"], name="import_line_unique")]
class LimitCounter(models.Model):
    """One fixed-window count of userpools/services/limits.py, kept here where the cache cannot
    count atomically (a database cache's incr is a read and a write)."""

    key = models.CharField(max_length=128, unique=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)
