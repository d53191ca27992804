from __future__ import annotations

from django.db import models


class Policy(models.Model):
    """A service control policy: AWS's FullAWSAccess (aws_managed) or one an operator wrote."""

    policy_id = models.CharField(max_length=130, unique=True)
    name = models.CharField(max_length=128, unique=True)
    description = models.CharField(max_length=512, blank=True, default="")
    content = models.TextField()
    aws_managed = models.BooleanField(default=False)
    tags = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self) -> str:
        return f"{self.name} ({self.policy_id})"


class Attachment(models.Model):
    """A policy attached to one of the organization's two targets: its root or this account."""

    ROOT, ACCOUNT = "ROOT", "ACCOUNT"

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="attachments")
    target = models.CharField(max_length=16, choices=[(ROOT, ROOT), (ACCOUNT, ACCOUNT)])
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["policy", "target"], name="organizations_one_attachment_per_target")]

    def __str__(self) -> str:
        return f"{self.policy.policy_id} -> {self.target}"
