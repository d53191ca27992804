"""The README's examples run as written, in order, against a live server.

Every ```python block of README.md runs in one shared namespace, as a reader pasting them into one
session would, with only the endpoint URL and the example root key swapped for the test server's.
`input()` (the reader typing the code from the mail `make run` prints) is answered from the test's
mailbox. A block opening with `# <package>/<module>.py` is a plugin module, not a session snippet:
it is written to that path on `sys.path` and registered the way the README says, so the service
imports and runs it. The shell commands the README gives for `make manage` name real commands, and
its `invoketrigger` example prints what the README says it prints.
"""
from __future__ import annotations

import gc
import json
import re
import shlex
import sys
import textwrap
from dataclasses import dataclass
from io import StringIO
from pathlib import Path

import pytest
from botocore.client import BaseClient
from django.core.management import call_command, get_commands

from tests.conftest import make_client
from tests.userpools.mailbox import CODE, mailbox  # noqa: F401  (fixture)
from tests.userpools.signin_support import _fresh_throttle_counters  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

README = Path(__file__).resolve().parents[2] / "README.md"
README_URL = "http://127.0.0.1:8000"
README_KEY_ID = '"AKIAEXAMPLEROOT00001"'
README_SECRET = '"change-me"'
README_POOL_ID = "us-east-1_AbC123xyZ"  # the placeholder pool id of the shell examples
KEY_ARN = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

# A fence at any indentation (blocks inside list items are indented), its language and body.
_FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[ \t]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.MULTILINE | re.DOTALL)
_MODULE_HEADER = re.compile(r"\A# (?P<path>[A-Za-z_][\w/]*\.py)\n")
_MAKE_MANAGE = re.compile(r'make manage ARGS="(?P<args>[^"]*)"')


@dataclass(frozen=True)
class Block:
    lang: str
    code: str  # dedented
    line: int  # README line of the block's first code line

    @property
    def module_path(self) -> str | None:
        """`mycompany_triggers/presignup.py` for a block that is a module file, else None."""
        match = _MODULE_HEADER.match(self.code)
        return match.group("path") if match else None

    def compiled(self, code: str | None = None):
        """The code compiled so that tracebacks name the README's own line numbers."""
        return compile("\n" * (self.line - 1) + (code if code is not None else self.code), str(README), "exec")


def readme_blocks(lang: str, text: str | None = None) -> list[Block]:
    text = README.read_text() if text is None else text
    found = []
    for match in _FENCE.finditer(text):
        if match.group("lang") == lang:
            line = text.count("\n", 0, match.start("body")) + 1
            found.append(Block(lang, textwrap.dedent(match.group("body")), line))
    return found


def session_blocks() -> list[Block]:
    return [block for block in readme_blocks("python") if block.module_path is None]


def module_blocks() -> dict[str, Block]:
    """Module name (`mycompany_triggers.presignup`) -> its block."""
    return {block.module_path[:-3].replace("/", "."): block for block in readme_blocks("python") if block.module_path}


def readme_export(variable: str) -> str:
    """The value the README's shell examples export for `variable`."""
    for block in readme_blocks("sh"):
        for line in block.code.splitlines():
            words = shlex.split(line) if line.startswith("export ") else []
            for word in words[1:]:
                name, _, value = word.partition("=")
                if name == variable:
                    return value
    raise AssertionError(f"the README exports no {variable}")


def readme_manage_commands() -> list[list[str]]:
    """The argument lists of every `make manage ARGS="..."` in the README (prose and shell)."""
    return [shlex.split(match.group("args")) for match in _MAKE_MANAGE.finditer(README.read_text())]


@pytest.fixture
def plugin_modules(tmp_path, monkeypatch):
    """The README's plugin modules written out as files on sys.path, as a reader would."""
    root = tmp_path / "plugins"
    for block in module_blocks().values():
        path = root / block.module_path
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(block.code)
    monkeypatch.syspath_prepend(str(root))
    yield root
    for name in [name for name in sys.modules if name.split(".")[0] in {p.name for p in root.iterdir()}]:
        del sys.modules[name]


def run_session(url: str, settings) -> dict:
    """Runs the session blocks in order in one namespace, which it returns."""
    namespace: dict = {"__name__": "readme"}
    for block in session_blocks():
        code = block.code.replace(README_URL, url)
        code = code.replace(README_KEY_ID, repr(settings.ROOT_ACCESS_KEY_ID)).replace(README_SECRET, repr(settings.ROOT_SECRET_ACCESS_KEY))
        exec(block.compiled(code), namespace)  # noqa: S102  (our own README)
    return namespace


def close_clients(namespace: dict) -> None:
    """Closes the session's boto3 clients before the live server moves on (their open
    keep-alive connections would otherwise be closed by the server thread at some later test)."""
    for value in namespace.values():
        if isinstance(value, BaseClient):
            value.close()


@pytest.fixture
def idp(live_server):
    """The root-signed client, closed after the test so no keep-alive connection outlives it."""
    client = make_client(live_server.url)
    yield client
    client.close()


def test_there_is_something_to_run():
    """Guards the extraction itself: a change of fence style must not make the tests below vacuous."""
    assert len(session_blocks()) >= 4
    assert set(module_blocks()) >= {"mycompany_triggers.presignup", "mycompany_triggers.email_sender"}
    assert readme_manage_commands()


@pytest.mark.parametrize("block", readme_blocks("python"), ids=lambda block: f"line{block.line}")
def test_every_python_block_compiles(block):
    block.compiled()


def test_management_commands_are_run_with_the_venv_python():
    """Only `.venv` has Django and the other requirements: a bare `python manage.py` (or
    `python -m config.serve`, `celery`) cannot work as written."""
    text = README.read_text()
    bare = re.findall(r"(?<![\w/.-])(?:python3?\s+\S+\.py|python3?\s+-m\s+config|celery\s+-A)", text)
    assert not bare, f"run with .venv/bin/... or make: {bare}"
    known = get_commands()
    for args in readme_manage_commands():
        if args != ["..."]:
            assert args[0] in known, f"make manage ARGS=... names no command {args[0]!r}"


def test_the_readme_runs_as_written(live_server, settings, mailbox, plugin_modules, monkeypatch, capsys, tmp_path, request):  # noqa: F811
    settings.TRIGGER_PLUGINS = readme_export("TRIGGER_PLUGINS")  # what the restarted server is given
    settings.TRIGGER_ATTEMPTS = 1
    settings.PUBLIC_URL = live_server.url  # so the import job's PreSignedUrl names the test server

    answered = []

    def code_from_the_mail(prompt: str = "") -> str:
        """The reader reads the newest mail on the console and types its code."""
        assert "code" in prompt.lower()
        mails = mailbox.mails()
        assert len(mails) > len(answered), "input() asks for a code, but no new mail was sent"
        body = mails[-1].get_payload(decode=True).decode()
        answered.append(body)
        return CODE.search(body).group(1)

    monkeypatch.setattr("builtins.input", code_from_the_mail)
    namespace = run_session(live_server.url, settings)
    request.addfinalizer(lambda: close_clients(namespace))

    assert len(answered) == 1, "the confirmation code was asked for once"
    idp, pool_id = namespace["idp"], namespace["pool"]["Id"]
    users = {user["Username"]: user["UserStatus"] for user in idp.list_users(UserPoolId=pool_id)["Users"]}
    assert users == {"alice": "FORCE_CHANGE_PASSWORD", "bob": "CONFIRMED", "carol": "CONFIRMED"}  # dave was refused
    printed = capsys.readouterr().out
    assert "PreSignUp failed with error Only example.com addresses may sign up." in printed
    # The IAM walkthrough: the reporting key lists users, is refused a delete, the role session
    # administers the pool, and the trail shows the refusal under the reporting user's name.
    assert "2 users" in printed and "\nAccessDeniedException\n" in printed
    assert "\nFORCE_CHANGE_PASSWORD\n" in printed
    assert " AdminDeleteUser AccessDeniedException\n" in printed and " ListUsers None\n" in printed
    # The identity-pool walkthrough: bob's sign-in became credentials of the mapped role.
    assert "\narn:aws:sts::000000000000:assumed-role/notes-user/CognitoIdentityCredentials\n" in printed
    assert "\nBearer 3600\n" in printed  # the hosted-UI section's client_credentials grant
    # The walkthrough's update added the trigger and kept the rest: sign-ups still get their mail.
    pool = idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    assert pool["AutoVerifiedAttributes"] == ["email"]
    assert pool["LambdaConfig"] == {"PreSignUp": "arn:aws:lambda:us-east-1:000000000000:function:pre-sign-up"}
    # Moving users in: the CSV import job ends with one user in and one line refused, readable over signed REST.
    assert "\nSucceeded 1 0 1\n" in printed
    assert "[{'LineNumber': 3, 'Outcome': 'FAILED', 'Message': 'The User Record does not set any of the auto verified" in printed

    # The shell example tries the same plugin through invoketrigger, on the pool just made.
    (shell,) = [block for block in readme_blocks("sh") if "invoketrigger" in block.code]
    echo, invoke = shell.code.strip().splitlines()
    event_json = shlex.split(echo.partition(">")[0])[1]
    (tmp_path / "event.json").write_text(event_json)
    args = shlex.split(_MAKE_MANAGE.search(invoke).group("args"))
    args = [pool_id if arg == README_POOL_ID else str(tmp_path / arg) if arg == "event.json" else arg for arg in args]
    out = StringIO()
    call_command(*args, stdout=out)
    assert json.loads(out.getvalue()) == {"autoConfirmUser": True, "autoVerifyEmail": True}


def test_the_custom_email_sender_decrypts_the_code(live_server, idp, settings, plugin_modules, monkeypatch, tmp_path):
    """The sender module, registered like any plugin and given a Lambda's environment, gets the
    code `invoketrigger --secret` encrypts, as the README says."""
    import importlib

    settings.TRIGGER_PLUGINS = "email-sender=mycompany_triggers.email_sender:handler"
    settings.TRIGGER_ATTEMPTS = 1
    monkeypatch.setenv("KEY_ARN", KEY_ARN)
    monkeypatch.setenv("AWS_ENDPOINT_URL_KMS", live_server.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", settings.ROOT_ACCESS_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", settings.ROOT_SECRET_ACCESS_KEY)
    delivered = []
    sender = importlib.import_module("mycompany_triggers.email_sender")
    monkeypatch.setattr(sender, "deliver", lambda address, text: delivered.append((address, text)))
    pool_id = idp.create_user_pool(PoolName="senders", LambdaConfig={"KMSKeyID": KEY_ARN, "CustomEmailSender": {
        "LambdaVersion": "V1_0", "LambdaArn": "arn:aws:lambda:us-east-1:000000000000:function:email-sender"}})["UserPool"]["Id"]
    (tmp_path / "event.json").write_text(json.dumps({"userName": "zed", "request": {"userAttributes": {"email": "zed@example.com"}}}))

    (args,) = [args for args in readme_manage_commands() if "CustomEmailSender_SignUp" in args]
    args = [pool_id if arg == "<pool>" else str(tmp_path / arg) if arg == "event.json" else arg for arg in args]
    out = StringIO()
    call_command(*args, stdout=out)
    assert out.getvalue().strip() == "CustomEmailSender_SignUp: SUCCESS"
    assert delivered == [("zed@example.com", "Your code is 123456")]
    # The Encryption SDK's KMS client is left in a reference cycle: collect it now, so its
    # keep-alive connection closes while the live server still shares the test database.
    gc.collect()


def test_update_user_pool_resets_what_it_is_not_given(idp):
    """The behaviour the README warns about, as on Cognito: an update naming only LambdaConfig
    drops AutoVerifiedAttributes, so sign-ups would get no confirmation mail."""
    pool_id = idp.create_user_pool(PoolName="my-app", AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    idp.update_user_pool(UserPoolId=pool_id, LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:000000000000:function:pre-sign-up"})
    assert "AutoVerifiedAttributes" not in idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]
