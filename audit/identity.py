"""CloudTrail's `userIdentity` element, derived from the caller's ARN (pure, no Django).

The type follows the ARN's form, as CloudTrail reports it:
`arn:aws:iam::<acct>:root` is Root, `arn:aws:iam::<acct>:user/<path/>name` is IAMUser,
`arn:aws:sts::<acct>:assumed-role/<role>/<session>` is AssumedRole. An unsigned call (Cognito's
SignUp, InitiateAuth, ...) has no principal: CloudTrail shows `{"type": "Unknown",
"principalId": "Anonymous"}` for those, and so do we.

Beyond CloudTrail: a change made in the Django admin site is done by one of its accounts, which
is no AWS principal. Its events say so with the type `AdminSiteAccount` and the account's
username as `principalId` and `userName` (so LookupEvents' `Username` finds them).
"""
from __future__ import annotations

from dataclasses import dataclass

ROOT, IAM_USER, ASSUMED_ROLE, UNKNOWN = "Root", "IAMUser", "AssumedRole", "Unknown"
ADMIN_SITE_ACCOUNT = "AdminSiteAccount"
ANONYMOUS = "Anonymous"
TYPES = (ROOT, IAM_USER, ASSUMED_ROLE, UNKNOWN, ADMIN_SITE_ACCOUNT)


@dataclass(frozen=True)
class Identity:
    """Who made a call, as the trail stores it."""

    type: str
    arn: str | None = None
    account_id: str | None = None
    principal_id: str | None = None
    user_name: str | None = None  # Root: "root"; IAMUser: its name; AssumedRole: the session name
    access_key_id: str | None = None

    def as_element(self) -> dict:
        """The `userIdentity` JSON of the CloudTrail record."""
        if self.type == ADMIN_SITE_ACCOUNT:
            return {"type": ADMIN_SITE_ACCOUNT, "principalId": self.principal_id or "", "accountId": self.account_id or "",
                    "userName": self.user_name or ""}
        if self.arn is None:
            element = {"type": UNKNOWN, "principalId": self.principal_id or ANONYMOUS}
            if self.access_key_id:
                element["accessKeyId"] = self.access_key_id  # a refused signature names the key it used
            return element
        element = {"type": self.type, "principalId": self.principal_id or "", "arn": self.arn, "accountId": self.account_id or ""}
        element["accessKeyId"] = self.access_key_id or ""
        if self.type == IAM_USER and self.user_name:
            element["userName"] = self.user_name
        return element


def principal_type(arn: str | None) -> str:
    """Root, IAMUser, AssumedRole or Unknown, from the ARN's resource part."""
    if not arn:
        return UNKNOWN
    parts = arn.split(":", 5)
    if len(parts) != 6:
        return UNKNOWN
    service, resource = parts[2], parts[5]
    if service == "iam" and resource == "root":
        return ROOT
    if service == "iam" and resource.startswith("user/"):
        return IAM_USER
    if service == "sts" and resource.startswith("assumed-role/"):
        return ASSUMED_ROLE
    return UNKNOWN


def identity_of(arn: str | None, principal_id: str | None, access_key_id: str | None) -> Identity:
    """The identity of a call signed by `arn` (None: unsigned or refused before authentication)."""
    kind = principal_type(arn)
    if arn is None or kind == UNKNOWN and not arn.startswith("arn:"):
        return Identity(UNKNOWN, principal_id=principal_id, access_key_id=access_key_id)
    parts = arn.split(":", 5)
    account, resource = parts[4], parts[5]
    name: str | None = None
    if kind == ROOT:
        name = "root"
    elif kind == IAM_USER:
        name = resource.rsplit("/", 1)[-1]
    elif kind == ASSUMED_ROLE:
        name = resource.rsplit("/", 1)[-1]  # the role session name, as LookupEvents' Username shows it
    return Identity(kind, arn=arn, account_id=account, principal_id=principal_id, user_name=name, access_key_id=access_key_id)


def admin_site_identity(username: str, account_id: str) -> Identity:
    """The identity of a change made by a Django admin account through the admin site."""
    return Identity(ADMIN_SITE_ACCOUNT, account_id=account_id, principal_id=username, user_name=username)


def is_read_only(event_name: str) -> bool:
    """CloudTrail's readOnly: the operations that only read (Get*, List*, Describe*, Lookup*)."""
    return event_name.startswith(("Get", "List", "Describe", "Lookup"))
