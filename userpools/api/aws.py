"""AWS JSON 1.1 handlers for user pools; each module below registers its operations."""
from userpools.api import aws_pools  # noqa: F401
