"""Users moved between instances with their passwords (`exportusers`, `importusers`).

One user per record, in JSON Lines or CSV (nested values as JSON in their column):

    {"username": "alice", "sub": "<uuid>", "status": "CONFIRMED", "enabled": true,
     "attributes": {"email": "alice@example.com", "email_verified": "true"}, "groups": ["admins"],
     "password_hash": "argon2$argon2id$...", "srp": {"pool_id": "us-east-1_AbC123xyZ", "salt": "...", "verifier": "..."},
     "mfa": {"sms_mfa_enabled": false, "software_token_mfa_enabled": true, "email_mfa_enabled": false,
             "preferred_mfa": "SOFTWARE_TOKEN_MFA", "totp_secret": "..."}}

`password_hash` may be any format `userpools.domain.imported_hashes` accepts (Django, Keycloak,
Auth0 bcrypt). The SRP verifier is bound to the pool id it was made in (Cognito's SRP mixes the
id into it), so it is kept only when the target pool's id has the same suffix; otherwise the
user's first password sign-in (USER_PASSWORD_AUTH) derives a new one, as for foreign hashes.
Reading and writing stream: memory stays flat whatever the number of users.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from userpools.domain import srp
from userpools.models import User, UserPool
from userpools.services import user_rows

CSV_COLUMNS = ["username", "sub", "status", "enabled", "attributes", "groups", "password_hash", "srp", "mfa"]
_JSON_COLUMNS = ("attributes", "groups", "srp", "mfa", "password_hash")
_MFA_FIELDS = ("sms_mfa_enabled", "software_token_mfa_enabled", "email_mfa_enabled", "preferred_mfa")
_PAGE = 1000


class BadRecord(ValueError):
    """A record that cannot be read at all (not JSON, not an object)."""


def _record(user: User) -> dict:
    mfa = {name: getattr(user, name) for name in _MFA_FIELDS}
    token = getattr(user, "software_token", None)
    if token is not None and token.verified and token.secret:
        mfa["totp_secret"] = token.secret
    record = {
        "username": user.username,
        "sub": str(user.sub),
        "status": user.status,
        "enabled": user.enabled,
        "attributes": user.attribute_values(),
        "groups": sorted(group.name for group in user.groups.all()),
        "password_hash": user.password,
        "mfa": mfa,
    }
    if user.srp_verifier:
        record["srp"] = {"pool_id": user.pool_id, "salt": user.srp_salt, "verifier": user.srp_verifier}
    return record


def export_records(pool: UserPool) -> Iterator[dict]:
    """Every user of the pool as a record, read a page at a time in id order."""
    last = 0
    while True:
        page = list(User.objects.filter(pool=pool, id__gt=last).order_by("id").select_related("software_token")
                    .prefetch_related("attributes", "groups")[:_PAGE])
        if not page:
            return
        for user in page:
            yield _record(user)
        last = page[-1].id


def write_jsonl(records: Iterable[dict], out) -> Iterator[dict]:
    """Write records as JSON Lines, yielding each once written (for progress)."""
    for record in records:
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
        yield record


def write_csv(records: Iterable[dict], out) -> Iterator[dict]:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = {name: record.get(name, "") for name in CSV_COLUMNS}
        for name in ("attributes", "groups", "srp", "mfa"):
            row[name] = json.dumps(record[name], separators=(",", ":")) if name in record else ""
        row["enabled"] = "true" if record.get("enabled", True) else "false"
        writer.writerow(row)
        yield record


def read_jsonl(lines: Iterable[str]) -> Iterator[tuple[int, dict]]:
    """(line number, record) for each non-blank line; BadRecord for one that is not a JSON object."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadRecord(f"line {number}: not JSON ({exc.msg})") from None
        if not isinstance(record, dict):
            raise BadRecord(f"line {number}: not a JSON object")
        yield number, record


def read_csv(lines: Iterable[str]) -> Iterator[tuple[int, dict]]:
    reader = csv.DictReader(iter(lines))
    for row in reader:
        record: dict = {name: value for name, value in row.items() if name and value not in ("", None)}
        for name in _JSON_COLUMNS:
            value = record.get(name)
            if isinstance(value, str) and value[:1] in "{[":
                try:
                    record[name] = json.loads(value)
                except json.JSONDecodeError:
                    raise BadRecord(f"line {reader.line_num}: column {name} is not JSON") from None
        if "enabled" in record:
            record["enabled"] = record["enabled"].strip().lower() != "false"
        yield reader.line_num, record


def _object(record: dict, name: str) -> dict:
    value = record.get(name)
    return value if isinstance(value, dict) else {}


def user_record(pool: UserPool, number: int, record: dict) -> user_rows.UserRecord:
    """A record read from a file, as the bulk creator takes it."""
    srp_state = _object(record, "srp")
    source_pool = str(srp_state.get("pool_id") or "")
    same_srp_pool = "_" in source_pool and srp.pool_name(source_pool) == srp.pool_name(pool.id)
    mfa = _object(record, "mfa")
    attributes = _object(record, "attributes")
    groups = record.get("groups")
    groups = groups if isinstance(groups, list) else []
    return user_rows.UserRecord(
        line_number=number,
        username=str(record.get("username") or ""),
        attributes={str(name): str(value) for name, value in attributes.items()},
        password_hash=record.get("password_hash") or None,
        status=record.get("status") or None,
        enabled=bool(record.get("enabled", True)),
        sub=record.get("sub") or None,
        srp_salt=str(srp_state.get("salt") or "") if same_srp_pool else "",
        srp_verifier=str(srp_state.get("verifier") or "") if same_srp_pool else "",
        groups=[str(group) for group in groups],
        mfa={name: mfa[name] for name in (*_MFA_FIELDS, "totp_secret") if name in mfa},
    )
