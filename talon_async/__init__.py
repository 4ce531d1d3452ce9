"""talon_async: an async-first, fully typed Python SDK for the Talon.One Integration API."""

from . import models as models
from ._batch_runner import BatchResult as BatchResult
from ._batch_runner import ChunkResult as ChunkResult
from ._batch_runner import ItemFailure as ItemFailure
from ._batch_runner import UncertainItem as UncertainItem
from ._catalog_actions import catalog_action as catalog_action
from ._catalog_actions import catalog_payload as catalog_payload
from ._checkpoint import Checkpoint as Checkpoint
from ._checkpoint import CheckpointEvent as CheckpointEvent
from ._checkpoint import JsonlCheckpoint as JsonlCheckpoint
from ._checkpoint import shard_of as shard_of
from ._client import TalonClient as TalonClient
from ._effect_props import effects_of as effects_of
from ._effect_props import matching_effects as matching_effects
from ._effect_props import typed_props as typed_props
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
from ._generated.types import UNSET as UNSET
from ._generated.types import Unset as Unset
from ._optional_fields import value as value
from ._pacing import RateLimit as RateLimit
from ._pagination import AsyncPaginator as AsyncPaginator
from ._pagination import Paginator as Paginator
from ._public import rehome as _rehome
from ._raw_response import RawResponse as RawResponse
from ._retry import set_testing as set_testing
from ._version import __version__ as __version__

__all__ = [
    "UNSET",
    "APIConnectionError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncPaginator",
    "AuthenticationError",
    "BadRequestError",
    "BatchResult",
    "Checkpoint",
    "CheckpointEvent",
    "ChunkResult",
    "ConflictError",
    "DryRunUnsupportedError",
    "ErrorDetail",
    "InternalServerError",
    "InvalidRequestError",
    "ItemFailure",
    "JsonlCheckpoint",
    "NotFoundError",
    "Paginator",
    "PermissionDeniedError",
    "RateLimit",
    "RateLimitError",
    "RawResponse",
    "RequestInfo",
    "ResponseTooLargeError",
    "TalonClient",
    "TalonError",
    "UncertainItem",
    "Unset",
    "__version__",
    "catalog_action",
    "catalog_payload",
    "effects_of",
    "matching_effects",
    "models",
    "set_testing",
    "shard_of",
    "typed_props",
    "value",
]

# Exported classes print, pickle and show in tracebacks under the name users import them by
# (``talon_async.NotFoundError``, not the private module that defines them).
_rehome(__name__, globals(), __all__)
