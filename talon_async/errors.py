"""The public home of every exception ``talon_async`` raises (the tree is drawn in ``_errors``)."""

from ._errors import APIConnectionError as APIConnectionError
from ._errors import APIResponseValidationError as APIResponseValidationError
from ._errors import APIStatusError as APIStatusError
from ._errors import APITimeoutError as APITimeoutError
from ._errors import AuthenticationError as AuthenticationError
from ._errors import BadRequestError as BadRequestError
from ._errors import ConflictError as ConflictError
from ._errors import DryRunUnsupportedError as DryRunUnsupportedError
from ._errors import ErrorDetail as ErrorDetail
from ._errors import InternalServerError as InternalServerError
from ._errors import InvalidRequestError as InvalidRequestError
from ._errors import NotFoundError as NotFoundError
from ._errors import PermissionDeniedError as PermissionDeniedError
from ._errors import RateLimitError as RateLimitError
from ._errors import RequestInfo as RequestInfo
from ._errors import ResponseTooLargeError as ResponseTooLargeError
from ._errors import TalonError as TalonError

__all__ = [
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "DryRunUnsupportedError",
    "ErrorDetail",
    "InternalServerError",
    "InvalidRequestError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RequestInfo",
    "ResponseTooLargeError",
    "TalonError",
]
