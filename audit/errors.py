"""CloudTrail's LookupEvents errors, in the one hierarchy (core.errors)."""
from __future__ import annotations

from core.errors import ServiceError


class InvalidLookupAttributesException(ServiceError):
    error_type = "InvalidLookupAttributesException"
    default_message = "Invalid lookup attributes."


class InvalidTimeRangeException(ServiceError):
    error_type = "InvalidTimeRangeException"
    default_message = "Invalid time range."


class InvalidMaxResultsException(ServiceError):
    error_type = "InvalidMaxResultsException"
    default_message = "Invalid MaxResults."


class InvalidNextTokenException(ServiceError):
    error_type = "InvalidNextTokenException"
    default_message = "Invalid NextToken."


class InvalidEventCategoryException(ServiceError):
    error_type = "InvalidEventCategoryException"
    default_message = "Invalid EventCategory."
