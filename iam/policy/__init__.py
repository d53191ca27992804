"""IAM's policy language, framework-free: validate documents on write, decide requests on every call.

Plain values in, plain values out; no Django. ``iam.services`` adapts it to stored principals.

    >>> from iam.policy import Request, evaluate
    >>> doc = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "cognito-idp:List*", "Resource": "*"}}'
    >>> evaluate(Request("cognito-idp:ListUsers", "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_A"), identity=[doc]).kind
    'Allow'
"""
from .context import global_context
from .document import (
    GROUP_INLINE_SIZE,
    MANAGED_POLICY_SIZE,
    ROLE_INLINE_SIZE,
    SCP_SIZE,
    TRUST_POLICY_SIZE,
    USER_INLINE_SIZE,
    Policy,
    parse_policy,
    policy_size,
)
from .errors import PolicyError
from .evaluate import Decision, Request, evaluate, evaluate_trust, load

__all__ = [
    "GROUP_INLINE_SIZE", "MANAGED_POLICY_SIZE", "ROLE_INLINE_SIZE", "SCP_SIZE", "TRUST_POLICY_SIZE", "USER_INLINE_SIZE",
    "Decision", "Policy", "PolicyError", "Request", "evaluate", "evaluate_trust", "global_context", "load", "parse_policy",
    "policy_size",
]
