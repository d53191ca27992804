"""`@hosted`: a hosted-UI view answers only for a pool with a domain (404 otherwise, as Cognito
serves the hosted UI only from a domain) and receives the pool instead of its id."""
from __future__ import annotations

import functools
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.errors import ResourceNotFoundException
from userpools.hosted import errors
from userpools.models import UserPool
from userpools.services import domains

View = Callable[..., HttpResponse]


def hosted(view: View) -> View:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, pool_id: str, *args, **kwargs) -> HttpResponse:
        try:
            pool: UserPool = domains.hosted_pool(pool_id)
        except ResourceNotFoundException as error:
            return errors.error_page(request, error, status=404)
        return view(request, pool, *args, **kwargs)

    return wrapper
