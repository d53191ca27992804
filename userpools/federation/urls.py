"""The federation endpoints under a pool's hosted-UI base `<PUBLIC_URL>/<poolId>/`."""
from django.urls import path

from userpools.federation import views

urlpatterns = [
    path("oauth2/idpresponse", views.oidc_response, name="federation-oidc-response"),
    path("saml2/idpresponse", views.saml_response, name="federation-saml-response"),
    path("saml2/metadata", views.saml_metadata, name="federation-saml-metadata"),
]
