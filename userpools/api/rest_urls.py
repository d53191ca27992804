"""REST routes under /api/v1/: each method of each URL runs one user-pool AWS operation
(the machinery is `awsapi.fronts.rest`).

Bodies use AWS's member names (`{"PoolName": "x"}`); query parameters use them in snake_case
(`?max_results=10&next_token=...`). A resource-server identifier may contain '/': send it with
'/' as is and other reserved characters percent-encoded.
"""
from __future__ import annotations

from django.urls import include, path, re_path

from awsapi.fronts.rest import no_route, route_view
from userpools.api.rest_routes import Route, bind_pool_arn

POOL = "userpools/<str:pool_id>"
USER = f"{POOL}/users/<str:username>"
GROUP = f"{POOL}/groups/<str:group_name>"

urlpatterns = [
    path("userpools", route_view(
        GET=Route("ListUserPools", "userpools", defaults={"MaxResults": 60}),
        POST=Route("CreateUserPool", "userpools", status=201),
    ), name="userpools"),
    path(POOL, route_view(
        GET=Route("DescribeUserPool", "userpools"),
        PUT=Route("UpdateUserPool", "userpools"),
        DELETE=Route("DeleteUserPool", "userpools"),
    ), name="userpool"),
    path(f"{POOL}/custom-attributes", route_view(
        POST=Route("AddCustomAttributes", "userpools"),
    ), name="userpool-custom-attributes"),
    path(f"{POOL}/tags", route_view(
        GET=Route("ListTagsForResource", "tags", bind=bind_pool_arn),
        PUT=Route("TagResource", "tags", bind=bind_pool_arn),
        DELETE=Route("UntagResource", "tags", bind=bind_pool_arn),
    ), name="userpool-tags"),
    # App clients
    path(f"{POOL}/clients", route_view(
        GET=Route("ListUserPoolClients", "clients"),
        POST=Route("CreateUserPoolClient", "clients", status=201),
    ), name="clients"),
    path(f"{POOL}/clients/<str:client_id>", route_view(
        GET=Route("DescribeUserPoolClient", "clients"),
        PUT=Route("UpdateUserPoolClient", "clients"),
        DELETE=Route("DeleteUserPoolClient", "clients"),
    ), name="client"),
    # Groups and their members
    path(f"{POOL}/groups", route_view(
        GET=Route("ListGroups", "groups"),
        POST=Route("CreateGroup", "groups", status=201),
    ), name="groups"),
    path(GROUP, route_view(
        GET=Route("GetGroup", "groups"),
        PUT=Route("UpdateGroup", "groups"),
        DELETE=Route("DeleteGroup", "groups"),
    ), name="group"),
    path(f"{GROUP}/users", route_view(
        GET=Route("ListUsersInGroup", "groups"),
        POST=Route("AdminAddUserToGroup", "groups"),
    ), name="group-users"),
    path(f"{GROUP}/users/<str:username>", route_view(
        DELETE=Route("AdminRemoveUserFromGroup", "groups"),
    ), name="group-user"),
    # Users
    path(f"{POOL}/users", route_view(
        GET=Route("ListUsers", "users"),
        POST=Route("AdminCreateUser", "users", status=201),
    ), name="users"),
    path(USER, route_view(
        GET=Route("AdminGetUser", "users"),
        DELETE=Route("AdminDeleteUser", "users"),
    ), name="user"),
    path(f"{USER}/attributes", route_view(
        PUT=Route("AdminUpdateUserAttributes", "users"),
        DELETE=Route("AdminDeleteUserAttributes", "users"),
    ), name="user-attributes"),
    path(f"{USER}/password", route_view(PUT=Route("AdminSetUserPassword", "users")), name="user-password"),
    path(f"{USER}/enable", route_view(POST=Route("AdminEnableUser", "users")), name="user-enable"),
    path(f"{USER}/disable", route_view(POST=Route("AdminDisableUser", "users")), name="user-disable"),
    path(f"{USER}/confirm", route_view(POST=Route("AdminConfirmSignUp", "users")), name="user-confirm"),
    path(f"{USER}/groups", route_view(GET=Route("AdminListGroupsForUser", "users")), name="user-groups"),
    # Resource servers
    path(f"{POOL}/resource-servers", route_view(
        GET=Route("ListResourceServers", "resource-servers", defaults={"MaxResults": 50}),
        POST=Route("CreateResourceServer", "resource-servers", status=201),
    ), name="resource-servers"),
    path(f"{POOL}/resource-servers/<path:identifier>", route_view(
        GET=Route("DescribeResourceServer", "resource-servers"),
        PUT=Route("UpdateResourceServer", "resource-servers"),
        DELETE=Route("DeleteResourceServer", "resource-servers"),
    ), name="resource-server"),
    path("", include("userpools.api.rest_self_service")),  # sign-up/sign-in by client id; /me by access token
    re_path(r"^(?P<rest>.*)$", no_route),  # last: anything not matched above
]
