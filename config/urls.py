from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from awsapi.fronts.root import aws_endpoint
from identitypools import wellknown as identity_wellknown
from ops import views as ops
from userpools import wellknown
from userpools.api import import_upload

urlpatterns = [
    path("", aws_endpoint, name="aws-endpoint"),  # reached through awsapi.fronts.root.straight_to_endpoint
    path("admin/", admin.site.urls),
    path("healthz", ops.healthz, name="healthz"),
    path("readyz", ops.readyz, name="readyz"),
    path("metrics", ops.metrics, name="metrics"),
    path("api/v1/", include("identitypools.authorizer_urls")),  # POST /api/v1/authorize, before the catch-all
    path("api/v1/", include("userpools.api.rest_urls")),
    path("user-import-uploads/<str:job_id>", import_upload.upload, name="user-import-upload"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("identitypools/.well-known/jwks.json", identity_wellknown.jwks, name="identity-pool-jwks"),
    path("identitypools/.well-known/openid-configuration", identity_wellknown.openid_configuration, name="identity-pool-openid-configuration"),
    path("<str:pool_id>/.well-known/jwks.json", wellknown.jwks, name="pool-jwks"),
    path("<str:pool_id>/.well-known/openid-configuration", wellknown.openid_configuration, name="pool-openid-configuration"),
    path("<str:pool_id>/", include("userpools.federation.urls")),  # the IdP response endpoints and SAML SP metadata
    path("<str:pool_id>/", include("userpools.hosted.urls")),  # the hosted UI and OAuth endpoints (pools with a domain)
]
