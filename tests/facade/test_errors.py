"""Status codes and broken bodies map to the typed error tree, carrying Talon's error body."""

from __future__ import annotations

import httpx
import pytest

import talon_async
from talon_async import errors
from tests.facade.conftest import API_KEY, BASE_URL, make_client, state_doc

pytestmark = pytest.mark.anyio

TALON_ERROR = {
    "message": "Invalid request",
    "errors": [{"title": "cartItems.0.price is required", "details": "missing", "source": {"pointer": "/x"}}],
    "StatusCode": 400,
}


@pytest.mark.parametrize(
    ("status", "error_type"),
    [
        (400, errors.BadRequestError),
        (401, errors.AuthenticationError),
        (403, errors.PermissionDeniedError),
        (404, errors.NotFoundError),
        (409, errors.ConflictError),
        (418, errors.APIStatusError),
        (422, errors.APIStatusError),
        (429, errors.RateLimitError),
        (500, errors.InternalServerError),
        (502, errors.InternalServerError),
        (503, errors.InternalServerError),
        (504, errors.InternalServerError),
        (520, errors.InternalServerError),
    ],
)
async def test_status_maps_to_its_exception(status: int, error_type: type[errors.APIStatusError]) -> None:
    """Each error status raises exactly its class, with status, Talon's message, errors[] and the request."""
    async with make_client(lambda r: httpx.Response(status, json=TALON_ERROR), max_retries=0) as talon:
        with pytest.raises(errors.APIStatusError) as caught:
            await talon.update_customer_session("s1", body={"customerSession": {}})
    error = caught.value
    assert type(error) is error_type
    assert error.status_code == status
    assert error.message == "Invalid request"
    assert error.errors == [
        errors.ErrorDetail(title="cartItems.0.price is required", details="missing", source={"pointer": "/x"})
    ]
    assert error.body == TALON_ERROR
    assert error.request == errors.RequestInfo("PUT", f"{BASE_URL}/v2/customer_sessions/s1")
    assert "Invalid request" in str(error)


async def test_non_json_error_body_is_kept_as_text() -> None:
    """An HTML error page (say from a proxy) gives the typed error with the text as body and message."""
    async with make_client(
        lambda r: httpx.Response(502, text="<h1>Bad gateway</h1>"), max_retries=0
    ) as talon:
        with pytest.raises(errors.InternalServerError) as caught:
            await talon.get_customer_session("s1")
    assert caught.value.body == "<h1>Bad gateway</h1>"
    assert caught.value.content == b"<h1>Bad gateway</h1>"
    assert caught.value.message == "<h1>Bad gateway</h1>"


async def test_error_status_with_unparsable_body_still_raises_status_error() -> None:
    """A documented error status whose body does not fit its schema is still an APIStatusError."""
    async with make_client(lambda r: httpx.Response(400, text="not json"), max_retries=0) as talon:
        with pytest.raises(errors.BadRequestError) as caught:
            await talon.get_customer_session("s1")
    assert caught.value.body == "not json"


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="{not json"),
        httpx.Response(200, content=b""),
        httpx.Response(200, text="<html></html>", headers={"content-type": "text/html"}),
        httpx.Response(200, json={"effects": []}),
        httpx.Response(200, json={"effects": "wrong", "createdCoupons": [], "createdReferrals": []}),
        httpx.Response(200, json=[1, 2]),
    ],
    ids=["malformed-json", "empty-body", "html", "missing-required-field", "wrong-type", "wrong-shape"],
)
async def test_body_not_matching_spec_raises_validation_error(response: httpx.Response) -> None:
    """A success answer that does not match the spec raises APIResponseValidationError with the raw body."""
    async with make_client(lambda r: response, max_retries=0) as talon:
        with pytest.raises(errors.APIResponseValidationError) as caught:
            await talon.update_customer_session("s1", body={"customerSession": {}})
    assert caught.value.status_code == 200
    assert caught.value.content == response.content
    assert isinstance(caught.value.cause, Exception)


async def test_undocumented_success_status_raises_validation_error() -> None:
    """A 204 where the spec promises a 200 body is reported, not returned as None."""
    async with make_client(lambda r: httpx.Response(204), max_retries=0) as talon:
        with pytest.raises(errors.APIResponseValidationError, match="expected status 200"):
            await talon.get_customer_session("s1")


@pytest.mark.parametrize(
    ("message", "busy"),
    [
        ("Too many requests are updating this customer session at the same time", True),
        ("too many requests are updating this profile", True),
        ("Audience with this name already exists", False),
    ],
)
async def test_conflict_tells_busy_from_already_exists(message: str, busy: bool) -> None:
    """ConflictError.is_busy is true only for Talon's concurrent-update rejection."""
    body = {"message": message, "errors": [], "StatusCode": 409}
    async with make_client(lambda r: httpx.Response(409, json=body), max_retries=0) as talon:
        with pytest.raises(errors.ConflictError) as caught:
            await talon.create_audience(body={"name": "vip"})
    assert caught.value.is_busy is busy


async def test_connection_refused_is_api_connection_error() -> None:
    """A refused connection is APIConnectionError naming the request, with the httpx error as cause."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    async with make_client(refuse, max_retries=0) as talon:
        with pytest.raises(errors.APIConnectionError) as caught:
            await talon.get_customer_session("s1")
    assert not isinstance(caught.value, errors.APITimeoutError)
    assert caught.value.request == errors.RequestInfo("GET", f"{BASE_URL}/v2/customer_sessions/s1")
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


async def test_read_timeout_is_api_timeout_error() -> None:
    """A read timeout is APITimeoutError, itself an APIConnectionError."""

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    async with make_client(slow, max_retries=0) as talon:
        with pytest.raises(errors.APITimeoutError) as caught:
            await talon.get_customer_session("s1")
    assert isinstance(caught.value, errors.APIConnectionError)


def test_error_tree_matches_the_documented_hierarchy() -> None:
    """The class tree is the one the module docstring draws, and top-level names are the same objects."""
    assert issubclass(errors.APITimeoutError, errors.APIConnectionError)
    assert issubclass(errors.APIConnectionError, errors.TalonError)
    assert issubclass(errors.APIResponseValidationError, errors.TalonError)
    assert issubclass(errors.InvalidRequestError, ValueError)
    assert issubclass(errors.DryRunUnsupportedError, errors.InvalidRequestError)
    for name in ("BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError"):
        assert issubclass(getattr(errors, name), errors.APIStatusError)
    for name in ("ConflictError", "RateLimitError", "InternalServerError"):
        assert issubclass(getattr(errors, name), errors.APIStatusError)
        assert getattr(errors, name) is getattr(talon_async, name)


async def test_errors_never_carry_the_api_key() -> None:
    """No error's str, repr or attributes (request info, headers) contain the key."""
    async with make_client(
        lambda r: httpx.Response(401, json={"message": "bad key"}), max_retries=0
    ) as talon:
        with pytest.raises(errors.AuthenticationError) as caught:
            await talon.update_customer_session("s1", body={"customerSession": {}})
    error = caught.value
    assert API_KEY not in str(error)
    assert API_KEY not in repr(error)
    assert API_KEY not in repr(vars(error))


async def test_success_returns_typed_model() -> None:
    """A 200 answer comes back as the operation's model."""
    async with make_client(lambda r: httpx.Response(200, json=state_doc())) as talon:
        state = await talon.update_customer_session("s1", body={"customerSession": {}})
    assert isinstance(state, talon_async.models.IntegrationStateV2)


async def test_error_text_names_the_fields_at_fault() -> None:
    """str() of a 400 shows the first few errors' pointers and details, bounded in length."""
    many = {
        "message": "Request validation failed",
        "errors": [
            {
                "title": "invalid",
                "details": "must be >= 0",
                "source": {"pointer": "/customerSession/cartItems/0/price"},
            },
            {"title": "required", "source": {"parameter": "integrationId"}},
            {"title": "x" * 500},
            {"title": "not shown"},
            {"title": "not shown either"},
        ],
    }
    async with make_client(lambda r: httpx.Response(400, json=many), max_retries=0) as talon:
        with pytest.raises(errors.BadRequestError) as caught:
            await talon.update_customer_session("s1", body={"customerSession": {}})
    text = str(caught.value)
    assert "/customerSession/cartItems/0/price: must be >= 0" in text
    assert "integrationId: required" in text
    assert "x" * 157 + "..." in text
    assert "x" * 158 not in text
    assert "not shown" not in text
    assert "and 2 more" in text
    assert len(text) < 600
