"""The one exception hierarchy. Each class names its AWS wire error type; wire layers render it.

Services raise these; nothing else crosses a service boundary. Third-party errors are caught
where the library is used and re-raised as one of these.
"""
from __future__ import annotations


class ServiceError(Exception):
    """Base of every error a client may see. `error_type` is AWS's `__type`."""

    error_type = "InternalErrorException"
    status = 400
    default_message = "An error occurred."

    def __init__(self, message: str | None = None):
        self.message = message if message is not None else self.default_message
        super().__init__(self.message)


def _define(name: str, message: str, status: int = 400) -> type[ServiceError]:
    return type(name, (ServiceError,), {"error_type": name, "default_message": message, "status": status})


class InternalErrorException(ServiceError):
    error_type = "InternalErrorException"
    status = 500
    default_message = "Internal server error."


# Protocol and authentication errors (shared by every AWS service we speak).
UnknownOperationException = _define("UnknownOperationException", "Unknown operation.")
SerializationException = _define("SerializationException", "Unable to parse the request body.")
MissingAuthenticationTokenException = _define("MissingAuthenticationTokenException", "Missing Authentication Token")
IncompleteSignatureException = _define("IncompleteSignatureException", "The request signature is incomplete.")
InvalidSignatureException = _define(
    "InvalidSignatureException",
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
)
UnrecognizedClientException = _define(
    "UnrecognizedClientException", "The security token included in the request is invalid."
)
AccessDeniedException = _define("AccessDeniedException", "User is not authorized to perform this action.")

# Cognito user-pool errors.
InvalidParameterException = _define("InvalidParameterException", "Invalid parameter.")
ResourceNotFoundException = _define("ResourceNotFoundException", "Resource not found.")
NotAuthorizedException = _define("NotAuthorizedException", "Not authorized.")
UserNotFoundException = _define("UserNotFoundException", "User does not exist.")
UsernameExistsException = _define("UsernameExistsException", "User account already exists")
AliasExistsException = _define("AliasExistsException", "An account with the given email already exists.")
InvalidPasswordException = _define("InvalidPasswordException", "Password does not conform to policy")
GroupExistsException = _define("GroupExistsException", "A group with the name already exists.")
LimitExceededException = _define("LimitExceededException", "Limit exceeded.")
TooManyRequestsException = _define("TooManyRequestsException", "Too many requests.")
UnsupportedUserStateException = _define("UnsupportedUserStateException", "Unsupported user state.")
ScopeDoesNotExistException = _define("ScopeDoesNotExistException", "Scope does not exist.")
InvalidOAuthFlowException = _define("InvalidOAuthFlowException", "Invalid OAuth flow.")
ConcurrentModificationException = _define("ConcurrentModificationException", "Concurrent modification.")
UserImportInProgressException = _define("UserImportInProgressException", "User import in progress.")

# Sign-up, sign-in, codes and tokens.
CodeMismatchException = _define("CodeMismatchException", "Invalid verification code provided, please try again.")
ExpiredCodeException = _define("ExpiredCodeException", "Invalid code provided, please request a code again.")
CodeDeliveryFailureException = _define("CodeDeliveryFailureException", "Unable to deliver the verification code.")
UserNotConfirmedException = _define("UserNotConfirmedException", "User is not confirmed.")
PasswordResetRequiredException = _define("PasswordResetRequiredException", "Password reset required for the user")
InvalidUserPoolConfigurationException = _define("InvalidUserPoolConfigurationException", "Invalid user pool configuration.")
UnsupportedTokenTypeException = _define("UnsupportedTokenTypeException", "Unsupported token type.")
UnauthorizedException = _define("UnauthorizedException", "Unauthorized.")
InvalidEmailRoleAccessPolicyException = _define("InvalidEmailRoleAccessPolicyException", "Invalid email configuration.")
PasswordHistoryPolicyViolationException = _define("PasswordHistoryPolicyViolationException", "The password was used recently.")
UnsupportedOperationException = _define("UnsupportedOperationException", "Unsupported operation.")

# Triggers (the Lambda-hook equivalents); messages are built per trigger by triggers.runner.
UserLambdaValidationException = _define("UserLambdaValidationException", "Lambda validation failed.")
UnexpectedLambdaException = _define("UnexpectedLambdaException", "Lambda invocation failed.")
InvalidLambdaResponseException = _define("InvalidLambdaResponseException", "Unrecognizable lambda output")

# MFA and devices.
EnableSoftwareTokenMFAException = _define("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")
SoftwareTokenMFANotFoundException = _define("SoftwareTokenMFANotFoundException", "Software Token MFA is not enabled for the user pool.")

# KMS (the part the custom senders' handlers call to decrypt their codes).
NotFoundException = _define("NotFoundException", "Key not found.")
InvalidCiphertextException = _define("InvalidCiphertextException", "")
IncorrectKeyException = _define("IncorrectKeyException", "The key ID in the request does not identify the key that encrypted the ciphertext.")
InvalidKeyUsageException = _define("InvalidKeyUsageException", "The request is not valid for the key's usage.")
ValidationException = _define("ValidationException", "The request is not valid.")
