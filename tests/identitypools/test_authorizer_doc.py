"""docs/authorizer.md's ```python blocks run as written, in order, in one namespace against a live
server, with the README's endpoint and example root key swapped for the test server's (as
tests/e2e/test_readme.py runs the README, where these blocks are to be merged)."""
from __future__ import annotations

from pathlib import Path

from tests.e2e.test_readme import README_KEY_ID, README_SECRET, README_URL, readme_blocks

DOC = Path(__file__).resolve().parents[2] / "docs" / "authorizer.md"


def test_the_authorizer_doc_runs_as_written(live_server, settings, capsys):
    namespace: dict = {"__name__": "authorizer_doc"}
    blocks = readme_blocks("python", DOC.read_text())
    assert len(blocks) >= 2
    for block in blocks:
        code = block.code.replace(README_URL, live_server.url)
        code = code.replace(README_KEY_ID, repr(settings.ROOT_ACCESS_KEY_ID)).replace(README_SECRET, repr(settings.ROOT_SECRET_ACCESS_KEY))
        exec(compile(code, str(DOC), "exec"), namespace)
    printed = capsys.readouterr().out.splitlines()
    assert printed[-2].startswith("Allow arn:aws:iam::") and printed[-2].endswith(":user/notes-tester user/notes-tester/own-notes")
    assert printed[-1] == "Deny"
