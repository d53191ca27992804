"""What a plugin sees of its runtime: the Lambda-style context object and the one exception a
plugin raises when it could not reach what runs the handler. Below execution and the plugins, so
both can import it."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field


class PluginUnavailable(Exception):
    """Raised by a plugin that could not reach what runs the handler (the HTTP plugin's endpoint):
    an invocation failure, retried like a timeout, not the handler's own validation error."""


@dataclass
class LambdaContext:
    """The parts of AWS Lambda's context object that handlers commonly read."""

    function_name: str
    invoked_function_arn: str
    deadline: float  # time.time() by which the caller stops waiting
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def log_group_name(self) -> str:
        """The CloudWatch log group Lambda would write to."""
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        """One stream per request here (Lambda shares one per container)."""
        return self.aws_request_id

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds until the caller stops waiting, as Lambda's context reports them."""
        return max(0, int((self.deadline - time.time()) * 1000))
