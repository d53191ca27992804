"""IAM's use cases. The modules, bottom up:

    identity        who calls: Principal (root, IAM users) or an STS Session; GetCallerIdentity
    keys            long-term access keys (root key bootstrap, users' keys, last use)
    documents       policy documents validated on write with the evaluator's parser
    entities        users, groups (membership), roles
    policies        managed policies and versions, inline policies, attachments, boundaries
    evaluation      the seam to the pure evaluator (iam.policy)
    authorization   per-principal policy sets cached per generation; decide(), authorize()
    sts             temporary credentials in sealed session tokens
    authentication  SigV4 with long-term keys or session tokens

The names below are the ones other apps use.
"""
from iam.services.authentication import authenticate
from iam.services.authorization import AccessDecision, authorize, decide, invalidate
from iam.services.identity import CallerIdentity, Session, caller_identity
from iam.services.keys import NewAccessKey, create_access_key, ensure_root_key, root_principal

__all__ = [
    "authenticate", "authorize", "decide", "AccessDecision", "invalidate", "CallerIdentity", "Session", "caller_identity",
    "NewAccessKey", "create_access_key", "ensure_root_key", "root_principal",
]
