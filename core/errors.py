"""The one exception hierarchy. Each class names its AWS wire error type; wire layers render it.

Services raise these; nothing else crosses a service boundary. Third-party errors are caught
where the library is used and re-raised as one of these. Each wire format renders them in
exactly one place: `awsapi.fronts.json11` (AWS JSON 1.1), `awsapi.fronts.query` (query XML),
`awsapi.fronts.rest_errors` (the REST API), `userpools.wellknown` (discovery documents) and
`userpools.hosted.errors` (the OAuth endpoints and hosted pages).
"""
from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a client may see.

    `error_type` is AWS's `__type` in the JSON protocols; `status` the HTTP status there.
    The query protocol (IAM, STS) names some errors differently: `query_code` and
    `query_status` say how, and default to `error_type` and `status`.
    """

    error_type = "InternalErrorException"
    status = 400
    default_message = "An error occurred."
    query_code: str | None = None
    query_status: int | None = None

    def __init__(self, message: str | None = None):
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)

    @property
    def query_error_code(self) -> str:
        """The `<Code>` of the query protocol's `<ErrorResponse>`."""
        return self.query_code or self.error_type

    @property
    def query_http_status(self) -> int:
        return self.query_status or self.status


class InternalErrorException(ServiceError):
    error_type = "InternalErrorException"
    status = 500
    default_message = "Internal server error."
    query_code = "InternalFailure"


# Protocol and authentication errors (shared by every AWS service we speak).
class UnknownOperationException(ServiceError):
    error_type = "UnknownOperationException"
    default_message = "Unknown operation."
    query_code = "InvalidAction"


class SerializationException(ServiceError):
    error_type = "SerializationException"
    default_message = "Unable to parse the request body."
    query_code = "MalformedInput"


class RequestEntityTooLargeException(ServiceError):
    error_type = "RequestEntityTooLargeException"
    status = 413
    default_message = "Request entity too large."
    query_code = "RequestEntityTooLarge"


class MissingAuthenticationTokenException(ServiceError):
    error_type = "MissingAuthenticationTokenException"
    default_message = "Missing Authentication Token"
    query_code = "MissingAuthenticationToken"
    query_status = 403


class IncompleteSignatureException(ServiceError):
    error_type = "IncompleteSignatureException"
    default_message = "The request signature is incomplete."
    query_code = "IncompleteSignature"


class InvalidSignatureException(ServiceError):
    error_type = "InvalidSignatureException"
    default_message = (
        "The request signature we calculated does not match the signature you provided. "
        "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    )
    query_code = "SignatureDoesNotMatch"
    query_status = 403


class UnrecognizedClientException(ServiceError):
    error_type = "UnrecognizedClientException"
    default_message = "The security token included in the request is invalid."
    query_code = "InvalidClientTokenId"
    query_status = 403


class AccessDeniedException(ServiceError):
    error_type = "AccessDeniedException"
    default_message = "User is not authorized to perform this action."
    query_code = "AccessDenied"
    query_status = 403


# Cognito user-pool errors.
class InvalidParameterException(ServiceError):
    error_type = "InvalidParameterException"
    default_message = "Invalid parameter."
    query_code = "ValidationError"


class PreconditionNotMetException(ServiceError):
    error_type = "PreconditionNotMetException"
    default_message = "A precondition is not met."


class ResourceNotFoundException(ServiceError):
    error_type = "ResourceNotFoundException"
    default_message = "Resource not found."


class NotAuthorizedException(ServiceError):
    error_type = "NotAuthorizedException"
    default_message = "Not authorized."


class ExpiredTokenError(NotAuthorizedException):
    """A token that was valid and has expired: the same wire error, told apart by callers that
    answer expiry differently (STS's ExpiredTokenException)."""


class UserNotFoundException(ServiceError):
    error_type = "UserNotFoundException"
    default_message = "User does not exist."


class UsernameExistsException(ServiceError):
    error_type = "UsernameExistsException"
    default_message = "User account already exists"


class DuplicateProviderException(ServiceError):
    error_type = "DuplicateProviderException"
    default_message = "A provider with the same name already exists in this user pool."


class AliasExistsException(ServiceError):
    error_type = "AliasExistsException"
    default_message = "An account with the given email already exists."


class InvalidPasswordException(ServiceError):
    error_type = "InvalidPasswordException"
    default_message = "Password does not conform to policy"


class GroupExistsException(ServiceError):
    error_type = "GroupExistsException"
    default_message = "A group with the name already exists."


class LimitExceededException(ServiceError):
    error_type = "LimitExceededException"
    default_message = "Limit exceeded."


class TooManyRequestsException(ServiceError):
    error_type = "TooManyRequestsException"
    default_message = "Too many requests."


class UnsupportedUserStateException(ServiceError):
    error_type = "UnsupportedUserStateException"
    default_message = "Unsupported user state."


class ScopeDoesNotExistException(ServiceError):
    error_type = "ScopeDoesNotExistException"
    default_message = "Scope does not exist."


class InvalidOAuthFlowException(ServiceError):
    error_type = "InvalidOAuthFlowException"
    default_message = "Invalid OAuth flow."


class ConcurrentModificationException(ServiceError):
    error_type = "ConcurrentModificationException"
    default_message = "Concurrent modification."


class UserImportInProgressException(ServiceError):
    error_type = "UserImportInProgressException"
    default_message = "User import in progress."


# Sign-up, sign-in, codes and tokens.
class CodeMismatchException(ServiceError):
    error_type = "CodeMismatchException"
    default_message = "Invalid verification code provided, please try again."


class ExpiredCodeException(ServiceError):
    error_type = "ExpiredCodeException"
    default_message = "Invalid code provided, please request a code again."


class CodeDeliveryFailureException(ServiceError):
    error_type = "CodeDeliveryFailureException"
    default_message = "Unable to deliver the verification code."


class UserNotConfirmedException(ServiceError):
    error_type = "UserNotConfirmedException"
    default_message = "User is not confirmed."


class PasswordResetRequiredException(ServiceError):
    error_type = "PasswordResetRequiredException"
    default_message = "Password reset required for the user"


class InvalidUserPoolConfigurationException(ServiceError):
    error_type = "InvalidUserPoolConfigurationException"
    default_message = "Invalid user pool configuration."


class UnsupportedTokenTypeException(ServiceError):
    error_type = "UnsupportedTokenTypeException"
    default_message = "Unsupported token type."


class UnauthorizedException(ServiceError):
    error_type = "UnauthorizedException"
    default_message = "Unauthorized."


class InvalidEmailRoleAccessPolicyException(ServiceError):
    error_type = "InvalidEmailRoleAccessPolicyException"
    default_message = "Invalid email configuration."


class PasswordHistoryPolicyViolationException(ServiceError):
    error_type = "PasswordHistoryPolicyViolationException"
    default_message = "The password was used recently."


class UnsupportedOperationException(ServiceError):
    error_type = "UnsupportedOperationException"
    default_message = "Unsupported operation."


# Triggers (the Lambda-hook equivalents); messages are built per trigger by triggers.runner.
class UserLambdaValidationException(ServiceError):
    error_type = "UserLambdaValidationException"
    default_message = "Lambda validation failed."


class UnexpectedLambdaException(ServiceError):
    error_type = "UnexpectedLambdaException"
    default_message = "Lambda invocation failed."


class InvalidLambdaResponseException(ServiceError):
    error_type = "InvalidLambdaResponseException"
    default_message = "Unrecognizable lambda output"


# MFA and devices.
class EnableSoftwareTokenMFAException(ServiceError):
    error_type = "EnableSoftwareTokenMFAException"
    default_message = "Code mismatch and fail enable Software Token MFA"


class SoftwareTokenMFANotFoundException(ServiceError):
    error_type = "SoftwareTokenMFANotFoundException"
    default_message = "Software Token MFA is not enabled for the user pool."


# KMS (the part the custom senders' handlers call to decrypt their codes).
class NotFoundException(ServiceError):
    error_type = "NotFoundException"
    default_message = "Key not found."


class InvalidCiphertextException(ServiceError):
    error_type = "InvalidCiphertextException"
    default_message = ""


class IncorrectKeyException(ServiceError):
    error_type = "IncorrectKeyException"
    default_message = "The key ID in the request does not identify the key that encrypted the ciphertext."


class InvalidKeyUsageException(ServiceError):
    error_type = "InvalidKeyUsageException"
    default_message = "The request is not valid for the key's usage."


class ValidationException(ServiceError):
    error_type = "ValidationException"
    default_message = "The request is not valid."


class ManagedLoginBrandingExistsException(ServiceError):
    error_type = "ManagedLoginBrandingExistsException"
    default_message = "A managed login branding style already exists for this app client."


# IAM (the query protocol's own errors).
class NoSuchEntityException(ServiceError):
    error_type = "NoSuchEntityException"
    default_message = "The request was rejected because it referenced a resource entity that does not exist."
    status = 404
    query_code = "NoSuchEntity"


# --- OAuth 2.0 (RFC 6749) errors of the hosted endpoints: `error_type` is the `error` member. ---

class OAuthError(ServiceError):
    """An error of the OAuth endpoints, rendered as RFC 6749's `{"error": ...}` (or as query
    parameters on a redirect)."""

    error_type = "invalid_request"


class InvalidRequestError(OAuthError):
    error_type = "invalid_request"


class InvalidClientError(OAuthError):
    error_type = "invalid_client"
    status = 401


class InvalidGrantError(OAuthError):
    error_type = "invalid_grant"


class InvalidScopeError(OAuthError):
    error_type = "invalid_scope"


class UnauthorizedClientError(OAuthError):
    error_type = "unauthorized_client"


class UnsupportedGrantTypeError(OAuthError):
    error_type = "unsupported_grant_type"


class UnsupportedResponseTypeError(OAuthError):
    error_type = "unsupported_response_type"


class InvalidTokenError(OAuthError):
    error_type = "invalid_token"
    status = 401


class UnsupportedTokenTypeError(OAuthError):
    error_type = "unsupported_token_type"


class UnsupportedOperationError(OAuthError):
    error_type = "unsupported_operation"
