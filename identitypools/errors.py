"""cognito-identity's own error types (JSON 1.1 `__type`) with the messages AWS documents."""
from __future__ import annotations

from core.errors import ServiceError


class ResourceConflictException(ServiceError):
    error_type = "ResourceConflictException"
    default_message = "The requested resource conflicts with an existing resource."


class InvalidIdentityPoolConfigurationException(ServiceError):
    error_type = "InvalidIdentityPoolConfigurationException"
    default_message = "Invalid identity pool configuration. Check assigned IAM roles for this pool."


class DeveloperUserAlreadyRegisteredException(ServiceError):
    error_type = "DeveloperUserAlreadyRegisteredException"
    default_message = "The developer user identifier is already registered with Cognito."


class ExternalServiceException(ServiceError):
    error_type = "ExternalServiceException"
    default_message = "An exception thrown when a dependent service such as Facebook or Twitter is not responding."
