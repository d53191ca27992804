"""AWS JSON 1.1 handlers for user pools; each module below registers its operations."""
from userpools.api import aws_pools  # noqa: F401
from userpools.api import aws_clients  # noqa: F401
from userpools.api import aws_resource_servers  # noqa: F401
from userpools.api import aws_groups  # noqa: F401
from userpools.api import aws_tags  # noqa: F401
from userpools.api import aws_users  # noqa: F401
from userpools.api import aws_signup  # noqa: F401
from userpools.api import aws_signin  # noqa: F401
from userpools.api import aws_account  # noqa: F401
from userpools.api import aws_mfa  # noqa: F401
from userpools.api import aws_devices  # noqa: F401
