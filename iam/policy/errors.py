"""The one error the policy engine raises: a document IAM would refuse on write."""
from __future__ import annotations


class PolicyError(ValueError):
    """A policy document IAM would refuse.

    ``message`` mirrors IAM's own wording; ``code`` is the AWS error code the wire layer should
    render: ``MalformedPolicyDocument`` for grammar, ``LimitExceeded`` for size.
    """

    def __init__(self, message: str, code: str = "MalformedPolicyDocument") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
