"""The authorizer's route, included under `api/v1/` in config/urls.py (before the REST API's)."""
from django.urls import path

from identitypools.authorizer_views import AuthorizeView

urlpatterns = [
    path("authorize", AuthorizeView.as_view(), name="authorizer"),
]
