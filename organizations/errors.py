"""AWS Organizations' error types (JSON 1.1 `__type`), with the messages AWS documents."""
from __future__ import annotations

from core.errors import ServiceError


class InvalidInputException(ServiceError):
    error_type = "InvalidInputException"
    default_message = "The requested operation failed because you provided invalid values for one or more of the request parameters."


class ConstraintViolationException(ServiceError):
    error_type = "ConstraintViolationException"
    default_message = "Performing this operation violates a minimum or maximum value limit."


class MalformedPolicyDocumentException(ServiceError):
    error_type = "MalformedPolicyDocumentException"
    default_message = "The provided policy document doesn't meet the requirements of the specified policy type."


class PolicyTypeNotAvailableForOrganizationException(ServiceError):
    error_type = "PolicyTypeNotAvailableForOrganizationException"
    default_message = "You can't use the specified policy type with the feature set currently enabled for this organization."


class DuplicatePolicyException(ServiceError):
    error_type = "DuplicatePolicyException"
    default_message = "A policy with the same name already exists."


class DuplicatePolicyAttachmentException(ServiceError):
    error_type = "DuplicatePolicyAttachmentException"
    default_message = "The selected policy is already attached to the specified target."


class PolicyNotFoundException(ServiceError):
    error_type = "PolicyNotFoundException"
    default_message = "We can't find a policy with the PolicyId that you specified."


class PolicyNotAttachedException(ServiceError):
    error_type = "PolicyNotAttachedException"
    default_message = "The policy isn't attached to the specified target in the specified root."


class PolicyInUseException(ServiceError):
    error_type = "PolicyInUseException"
    default_message = (
        "The policy is attached to one or more entities. You must detach it from all roots, OUs, "
        "and accounts before performing this operation."
    )


class TargetNotFoundException(ServiceError):
    error_type = "TargetNotFoundException"
    default_message = "We can't find a root, OU, account, or policy with the TargetId that you specified."


class AccountNotFoundException(ServiceError):
    error_type = "AccountNotFoundException"
    default_message = "We can't find an Amazon Web Services account with the AccountId that you specified."
