from django.db import models

from core import crypto


class Principal(models.Model):
    """Who signs a request: the account root or an IAM user."""

    name = models.CharField(max_length=128, unique=True)
    is_root = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name

    def arn(self, account_id: str) -> str:
        return f"arn:aws:iam::{account_id}:root" if self.is_root else f"arn:aws:iam::{account_id}:user/{self.name}"


class AccessKey(models.Model):
    ACTIVE, INACTIVE = "Active", "Inactive"

    access_key_id = models.CharField(max_length=128, unique=True)
    # Encrypted, not hashed: verifying an HMAC signature needs the secret itself.
    secret_encrypted = models.TextField()
    principal = models.ForeignKey(Principal, on_delete=models.CASCADE, related_name="access_keys")
    status = models.CharField(max_length=16, default=ACTIVE, choices=[(ACTIVE, ACTIVE), (INACTIVE, INACTIVE)])
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.access_key_id

    secret = crypto.Encrypted("secret_encrypted")
