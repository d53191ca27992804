"""IAM and STS error types (query protocol codes and statuses as AWS sends them).

They join core.errors' hierarchy, so every front renders them; `error_type` is the JSON-protocol
name where a JSON service can meet the error (expired session tokens)."""
from __future__ import annotations

from core.errors import ServiceError


class NoSuchEntity(ServiceError):
    error_type = "NoSuchEntityException"
    query_code = "NoSuchEntity"
    status = 404
    default_message = "The entity cannot be found."


class EntityAlreadyExists(ServiceError):
    error_type = "EntityAlreadyExistsException"
    query_code = "EntityAlreadyExists"
    status = 409
    default_message = "The entity already exists."


class DeleteConflict(ServiceError):
    error_type = "DeleteConflictException"
    query_code = "DeleteConflict"
    status = 409
    default_message = "Cannot delete entity, must remove referenced objects first."


class LimitExceeded(ServiceError):
    error_type = "LimitExceededException"
    query_code = "LimitExceeded"
    status = 409
    default_message = "Limit exceeded."


class MalformedPolicyDocument(ServiceError):
    error_type = "MalformedPolicyDocumentException"
    query_code = "MalformedPolicyDocument"
    status = 400
    default_message = "Syntax errors in policy."


class InvalidInput(ServiceError):
    error_type = "InvalidInputException"
    query_code = "InvalidInput"
    status = 400
    default_message = "Invalid input."


class ValidationError(ServiceError):
    error_type = "ValidationException"
    query_code = "ValidationError"
    status = 400
    default_message = "Validation error."


class PackedPolicyTooLarge(ServiceError):
    error_type = "PackedPolicyTooLargeException"
    query_code = "PackedPolicyTooLarge"
    status = 400
    default_message = "Packed policy consumes more than 100 percent of the allotted size."


class ExpiredToken(ServiceError):
    """A session token past its expiry (JSON services: ExpiredTokenException)."""

    error_type = "ExpiredTokenException"
    query_code = "ExpiredToken"
    status = 400
    default_message = "The security token included in the request is expired"


class InvalidIdentityToken(ServiceError):
    error_type = "InvalidIdentityTokenException"
    query_code = "InvalidIdentityToken"
    status = 400
    default_message = "The web identity token that was passed could not be validated by AWS."


class ExpiredWebIdentityToken(ServiceError):
    error_type = "ExpiredTokenException"
    query_code = "ExpiredTokenException"
    status = 400
    default_message = "Token expired"


class InvalidAuthorizationMessage(ServiceError):
    error_type = "InvalidAuthorizationMessageException"
    query_code = "InvalidAuthorizationMessageException"
    status = 400
    default_message = "The authorization message is invalid."
