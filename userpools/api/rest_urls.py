"""REST routes under /api/v1/: each method of each URL runs one user-pool AWS operation
(the machinery is `awsapi.fronts.rest`).

Bodies use AWS's member names (`{"PoolName": "x"}`); query parameters use them in snake_case
(`?max_results=10&next_token=...`). A resource-server identifier may contain '/': send it with
'/' as is and other reserved characters percent-encoded.
"""
from __future__ import annotations

from django.urls import include, path, re_path

from awsapi.fronts.rest import no_route, route_view
from userpools.api.rest_import_lines import ImportJobLinesView
from userpools.api.rest_routes import bind_pool_arn, route

POOL = "userpools/<str:pool_id>"
USER = f"{POOL}/users/<str:username>"
GROUP = f"{POOL}/groups/<str:group_name>"
DEVICE = f"{USER}/devices/<str:device_key>"
JOB = f"{POOL}/import-jobs/<str:job_id>"

urlpatterns = [
    path("userpools", route_view(
        GET=route("ListUserPools", "userpools", defaults={"MaxResults": 60}),
        POST=route("CreateUserPool", "userpools", status=201),
    ), name="userpools"),
    path(POOL, route_view(
        GET=route("DescribeUserPool", "userpools"),
        PUT=route("UpdateUserPool", "userpools"),
        DELETE=route("DeleteUserPool", "userpools"),
    ), name="userpool"),
    path(f"{POOL}/custom-attributes", route_view(
        POST=route("AddCustomAttributes", "userpools"),
    ), name="userpool-custom-attributes"),
    path(f"{POOL}/tags", route_view(
        GET=route("ListTagsForResource", "tags", bind=bind_pool_arn),
        PUT=route("TagResource", "tags", bind=bind_pool_arn),
        DELETE=route("UntagResource", "tags", bind=bind_pool_arn),
    ), name="userpool-tags"),
    # App clients
    path(f"{POOL}/clients", route_view(
        GET=route("ListUserPoolClients", "clients"),
        POST=route("CreateUserPoolClient", "clients", status=201),
    ), name="clients"),
    path(f"{POOL}/clients/<str:client_id>", route_view(
        GET=route("DescribeUserPoolClient", "clients"),
        PUT=route("UpdateUserPoolClient", "clients"),
        DELETE=route("DeleteUserPoolClient", "clients"),
    ), name="client"),
    # Groups and their members
    path(f"{POOL}/groups", route_view(
        GET=route("ListGroups", "groups"),
        POST=route("CreateGroup", "groups", status=201),
    ), name="groups"),
    path(GROUP, route_view(
        GET=route("GetGroup", "groups"),
        PUT=route("UpdateGroup", "groups"),
        DELETE=route("DeleteGroup", "groups"),
    ), name="group"),
    path(f"{GROUP}/users", route_view(
        GET=route("ListUsersInGroup", "groups"),
        POST=route("AdminAddUserToGroup", "groups"),
    ), name="group-users"),
    path(f"{GROUP}/users/<str:username>", route_view(
        DELETE=route("AdminRemoveUserFromGroup", "groups"),
    ), name="group-user"),
    # Users
    path(f"{POOL}/users", route_view(
        GET=route("ListUsers", "users"),
        POST=route("AdminCreateUser", "users", status=201),
    ), name="users"),
    path(USER, route_view(
        GET=route("AdminGetUser", "users"),
        DELETE=route("AdminDeleteUser", "users"),
    ), name="user"),
    path(f"{USER}/attributes", route_view(
        PUT=route("AdminUpdateUserAttributes", "users"),
        DELETE=route("AdminDeleteUserAttributes", "users"),
    ), name="user-attributes"),
    path(f"{USER}/password", route_view(PUT=route("AdminSetUserPassword", "users")), name="user-password"),
    path(f"{USER}/enable", route_view(POST=route("AdminEnableUser", "users")), name="user-enable"),
    path(f"{USER}/disable", route_view(POST=route("AdminDisableUser", "users")), name="user-disable"),
    path(f"{USER}/confirm", route_view(POST=route("AdminConfirmSignUp", "users")), name="user-confirm"),
    path(f"{USER}/groups", route_view(GET=route("AdminListGroupsForUser", "users")), name="user-groups"),
    path(f"{USER}/reset-password", route_view(POST=route("AdminResetUserPassword", "users")), name="user-reset-password"),
    path(f"{USER}/sign-out", route_view(POST=route("AdminUserGlobalSignOut", "users")), name="user-sign-out"),
    path(f"{USER}/mfa-preference", route_view(PUT=route("AdminSetUserMFAPreference", "mfa")), name="user-mfa-preference"),
    # A user's remembered devices
    path(f"{USER}/devices", route_view(GET=route("AdminListDevices", "devices")), name="user-devices"),
    path(DEVICE, route_view(
        GET=route("AdminGetDevice", "devices"),
        DELETE=route("AdminForgetDevice", "devices"),
    ), name="user-device"),
    path(f"{DEVICE}/status", route_view(PUT=route("AdminUpdateDeviceStatus", "devices")), name="user-device-status"),
    # User import jobs (Cognito's CSV import); the CSV goes to the job's PreSignedUrl
    path(f"{POOL}/import-jobs", route_view(
        GET=route("ListUserImportJobs", "import-jobs", defaults={"MaxResults": 60}),
        POST=route("CreateUserImportJob", "import-jobs", status=201),
    ), name="import-jobs"),
    path(f"{POOL}/import-jobs/csv-header", route_view(GET=route("GetCSVHeader", "import-jobs")), name="import-jobs-csv-header"),
    path(JOB, route_view(GET=route("DescribeUserImportJob", "import-jobs")), name="import-job"),
    path(f"{JOB}/start", route_view(POST=route("StartUserImportJob", "import-jobs")), name="import-job-start"),
    path(f"{JOB}/stop", route_view(POST=route("StopUserImportJob", "import-jobs")), name="import-job-stop"),
    path(f"{JOB}/lines", ImportJobLinesView.as_view(), name="import-job-lines"),
    # Resource servers
    path(f"{POOL}/resource-servers", route_view(
        GET=route("ListResourceServers", "resource-servers", defaults={"MaxResults": 50}),
        POST=route("CreateResourceServer", "resource-servers", status=201),
    ), name="resource-servers"),
    path(f"{POOL}/resource-servers/<path:identifier>", route_view(
        GET=route("DescribeResourceServer", "resource-servers"),
        PUT=route("UpdateResourceServer", "resource-servers"),
        DELETE=route("DeleteResourceServer", "resource-servers"),
    ), name="resource-server"),
    path("", include("userpools.api.rest_self_service")),  # sign-up/sign-in by client id; /me by access token
    re_path(r"^(?P<rest>.*)$", no_route),  # last: anything not matched above
]
