from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from awsapi.views import aws_endpoint
from userpools import wellknown

urlpatterns = [
    path("", aws_endpoint, name="aws-endpoint"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("userpools.api.rest_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("<str:pool_id>/.well-known/jwks.json", wellknown.jwks, name="pool-jwks"),
    path("<str:pool_id>/.well-known/openid-configuration", wellknown.openid_configuration, name="pool-openid-configuration"),
]
