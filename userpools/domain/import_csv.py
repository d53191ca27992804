"""Cognito's user import CSV: the header GetCSVHeader gives, and its lines read as plain records.

Rules (Cognito's): the first line is the header, columns in any order; `cognito:username` and
`cognito:mfa_enabled` are required columns; attribute columns are the pool's schema attributes.
Beyond Cognito, a `password_hash` column may carry a hash from another system
(`userpools.domain.imported_hashes`); such users can sign in with their old password.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

USERNAME, MFA_ENABLED = "cognito:username", "cognito:mfa_enabled"
PASSWORD_HASH = "password_hash"
_REQUIRED_COLUMNS = (USERNAME, MFA_ENABLED)


class BadHeader(ValueError):
    """The file's header makes the whole file unreadable (the job fails)."""


@dataclass
class CsvUser:
    line_number: int  # the header is line 1
    username: str
    attributes: dict[str, str] = field(default_factory=dict)
    mfa_enabled: str = ""
    password_hash: str = ""


def header(schema_attributes: Iterable[dict]) -> list[str]:
    """GetCSVHeader's columns: the writable schema attributes, then Cognito's two own columns."""
    names = [item["Name"] for item in schema_attributes]
    return [name for name in names if name not in ("sub", "identities") and not name.startswith("dev:")] + [MFA_ENABLED, USERNAME]


def read(lines: Iterable[str], known_attributes: set[str]) -> Iterator[CsvUser]:
    """The file's users, streamed; BadHeader when the header misses a required column or names
    an attribute the pool does not have."""
    reader = csv.reader(iter(lines))
    try:
        columns = [name.strip() for name in next(reader)]
    except StopIteration:
        raise BadHeader("The CSV file is empty.") from None
    columns[0] = columns[0].lstrip("\ufeff")  # spreadsheets often save a byte-order mark
    for required in _REQUIRED_COLUMNS:
        if required not in columns:
            raise BadHeader(f"The CSV header has no {required} column.")
    unknown = [name for name in columns if name not in known_attributes and name not in (*_REQUIRED_COLUMNS, PASSWORD_HASH)]
    if unknown:
        raise BadHeader(f"The CSV header names an unknown attribute: {unknown[0][:40]}.")
    for values in reader:
        if not any(value.strip() for value in values):
            continue  # blank lines are not users
        record = dict(zip(columns, values, strict=False))
        attributes = {name: value for name, value in record.items() if value != "" and name not in (*_REQUIRED_COLUMNS, PASSWORD_HASH)}
        yield CsvUser(line_number=reader.line_num, username=record.get(USERNAME, "").strip(), attributes=attributes,
                      mfa_enabled=record.get(MFA_ENABLED, "").strip().lower(), password_hash=record.get(PASSWORD_HASH, "").strip())
