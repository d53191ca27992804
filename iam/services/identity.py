"""Who is calling: a long-term principal (root or IAM user, `iam.models.Principal`) or an STS
session (`Session`), both answering `arn(account)`, `is_root` and `identity_type`."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from iam.models import Principal

ROLE, USER = "role", "user"


@dataclass(frozen=True)
class Session:
    """The holder of temporary credentials, opened from a sealed session token.

    `kind` ROLE: an assumed role (`subject_*` name the role); USER: a user's GetSessionToken
    session (the user's own permissions).
    """

    access_key_id: str
    secret: str
    expires: int  # epoch seconds
    kind: str
    subject_pk: int
    subject_name: str
    subject_path: str
    subject_unique_id: str
    session_name: str = ""
    policy: str | None = None  # the inline session policy
    policy_arns: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    source_identity: str | None = None
    is_root: bool = False
    # Condition keys the session carries from how it was issued, usable in the role's policies:
    # a web identity's `<provider>:sub`/`:aud`, an identity pool's `cognito-identity.amazonaws.com:*`.
    context: dict[str, str | list[str]] = field(default_factory=dict)

    @property
    def is_role(self) -> bool:
        return self.kind == ROLE

    def arn(self, account_id: str) -> str:
        if self.is_root:
            return f"arn:aws:iam::{account_id}:root"
        if self.is_role:
            return f"arn:aws:sts::{account_id}:assumed-role/{self.subject_name}/{self.session_name}"
        return f"arn:aws:iam::{account_id}:user{self.subject_path}{self.subject_name}"

    @property
    def user_id(self) -> str:
        """aws:userid: `AROA...:session` for a role session, the user's id otherwise."""
        return f"{self.subject_unique_id}:{self.session_name}" if self.is_role else self.subject_unique_id

    @property
    def identity_type(self) -> str:
        return "AssumedRole" if self.is_role else "IAMUser"

    @property
    def name(self) -> str:
        return self.subject_name


Caller = Principal | Session


@dataclass(frozen=True)
class CallerIdentity:
    user_id: str
    account: str
    arn: str


def caller_identity(caller: Caller) -> CallerIdentity:
    """STS GetCallerIdentity: root's user id is the account; a user's its `AIDA...` id; a role
    session's `AROA...:<session name>`."""
    account = settings.ACCOUNT_ID
    user_id = account if caller.is_root else caller.user_id
    return CallerIdentity(user_id, account, caller.arn(account))


def user_id_of(caller: Caller) -> str:
    """aws:userid for the caller."""
    return caller_identity(caller).user_id
