"""TalonClient configuration, auth, headers, timeouts, dict bodies and the raw-response view."""

from __future__ import annotations

import logging
import platform
from collections.abc import Iterator

import anyio
import anyio.abc
import httpx
import pytest

import talon_async
from talon_async import InvalidRequestError, TalonClient
from talon_async._base import attempt_deadline
from tests.facade.conftest import API_KEY, BASE_URL, make_client, state_doc

pytestmark = pytest.mark.anyio


def test_base_url_and_key_fall_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """With no arguments the client reads TALON_BASE_URL and TALON_API_KEY."""
    monkeypatch.setenv("TALON_BASE_URL", "https://env.talon.one/")
    monkeypatch.setenv("TALON_API_KEY", API_KEY)
    assert TalonClient().base_url == "https://env.talon.one"


@pytest.mark.parametrize(
    ("variable", "kwargs"), [("TALON_BASE_URL", {}), ("TALON_API_KEY", {"base_url": BASE_URL})]
)
def test_missing_configuration_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, kwargs: dict[str, str]
) -> None:
    """A missing base URL or key raises an error that names the environment variable to set."""
    monkeypatch.delenv("TALON_BASE_URL", raising=False)
    monkeypatch.delenv("TALON_API_KEY", raising=False)
    with pytest.raises(InvalidRequestError, match=variable):
        TalonClient(**kwargs)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8765", True),
        ("http://localhost:8765", True),
        ("http://[::1]:8765", True),
        ("http://talon.example.com", False),
        ("ftp://talon.example.com", False),
    ],
)
def test_plain_http_refused_unless_loopback(url: str, allowed: bool) -> None:
    """http:// is only accepted for loopback hosts (other schemes never)."""
    if allowed:
        assert TalonClient(url, API_KEY).base_url == url
    else:
        with pytest.raises(InvalidRequestError, match="base_url"):
            TalonClient(url, API_KEY)


def test_plain_http_allowed_on_explicit_opt_in() -> None:
    """allow_insecure_http=True accepts a non-loopback http:// URL."""
    assert (
        TalonClient("http://talon.internal", API_KEY, allow_insecure_http=True).base_url
        == "http://talon.internal"
    )


async def test_trailing_slash_and_path_prefix_are_harmless() -> None:
    """A base URL with a trailing slash or a path prefix yields the right request URLs."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=state_doc())

    for base in ("https://t.example/", "https://t.example", "https://t.example/prefix/"):
        async with TalonClient(base, API_KEY, transport=httpx.MockTransport(handler)) as talon:
            await talon.update_customer_session("s1", body={"customerSession": {}})
    assert seen == [
        "https://t.example/v2/customer_sessions/s1",
        "https://t.example/v2/customer_sessions/s1",
        "https://t.example/prefix/v2/customer_sessions/s1",
    ]


async def test_sends_api_key_and_user_agent() -> None:
    """Requests carry 'ApiKey-v1 <key>', a User-Agent naming SDK, Python and httpx, and extra headers."""
    captured: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        return httpx.Response(200, json=state_doc())

    async with make_client(handler, headers={"X-Tenant": "eu"}) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
    headers = captured[0].headers
    assert headers["authorization"] == f"ApiKey-v1 {API_KEY}"
    python = ".".join(platform.python_version_tuple()[:2])
    assert (
        headers["user-agent"]
        == f"talon-async/{talon_async.__version__} python/{python} httpx/{httpx.__version__}"
    )
    assert headers["x-tenant"] == "eu"


async def test_key_not_sent_to_another_origin_even_on_redirect() -> None:
    """A redirect to another host (followed by a user's client) never carries the Authorization header."""
    captured: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        if request.url.host == "evil.example":
            return httpx.Response(200, json=state_doc())
        return httpx.Response(307, headers={"location": "https://evil.example/steal"})

    http_client = httpx.AsyncClient(transport=httpx.MockTransport(handler), follow_redirects=True)
    async with http_client, TalonClient(BASE_URL, API_KEY, http_client=http_client) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
    assert [r.url.host for r in captured] == ["acme.europe-west1.talon.one", "evil.example"]
    assert "authorization" in captured[0].headers
    assert "authorization" not in captured[1].headers


async def test_redirects_are_not_followed_by_default() -> None:
    """The client's own httpx client does not follow redirects: a 3xx is reported, never chased."""
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(302, headers={"location": "https://evil.example/"})

    async with make_client(handler, max_retries=0) as talon:
        with pytest.raises(talon_async.APIResponseValidationError):
            await talon.get_customer_session("s1")
    assert len(calls) == 1


def test_repr_and_str_never_show_the_key() -> None:
    """repr()/str() of the client, its dry view and its auth name the URL but not the key."""
    talon = TalonClient(BASE_URL, API_KEY)
    texts = (
        repr(talon),
        str(talon),
        repr(talon.dry_run()),
        repr(talon._headers),
        repr(vars(talon)),
    )
    for text in texts:
        assert API_KEY not in text
    assert BASE_URL in repr(talon)


async def test_debug_logs_never_show_the_key(caplog: pytest.LogCaptureFixture) -> None:
    """At DEBUG, across success, error and retry paths, no log record contains the key."""
    answers = iter([httpx.Response(503), httpx.Response(200, json=state_doc()), httpx.Response(401)])
    caplog.set_level(logging.DEBUG)
    async with make_client(lambda r: next(answers)) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
        with pytest.raises(talon_async.AuthenticationError):
            await talon.get_customer_session("s1")
    assert caplog.records
    assert all(API_KEY not in record.getMessage() for record in caplog.records)
    assert API_KEY not in caplog.text


async def test_debug_log_line_per_attempt(caplog: pytest.LogCaptureFixture) -> None:
    """Each attempt logs method, path, status, duration, attempt number and request id."""
    caplog.set_level(logging.DEBUG, logger="talon_async")
    answers = iter(
        [httpx.Response(503), httpx.Response(200, json=state_doc(), headers={"x-request-id": "rq-1"})]
    )
    async with make_client(lambda r: next(answers)) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
    lines = [r.getMessage() for r in caplog.records if r.name == "talon_async"]
    assert len(lines) == 2
    assert lines[0].startswith("PUT /v2/customer_sessions/s1 status=503 duration=")
    assert "attempt=1" in lines[0]
    assert "retry_in=" in lines[0]
    assert "status=200" in lines[1]
    assert "attempt=2" in lines[1]
    assert "request_id=rq-1" in lines[1]


async def test_per_call_timeout_overrides_client_default() -> None:
    """The client's timeout applies to every request unless a call passes its own."""
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json=state_doc())

    async with make_client(handler, timeout=7.0) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
        await talon.update_customer_session("s1", body={"customerSession": {}}, timeout=1.5)
        await talon.update_customer_session(
            "s1", body={"customerSession": {}}, timeout=httpx.Timeout(2.0, connect=0.5)
        )
    assert seen[0] == {"connect": 7.0, "read": 7.0, "write": 7.0, "pool": 7.0}
    assert seen[1] == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}
    assert seen[2] == {"connect": 0.5, "read": 2.0, "write": 2.0, "pool": 2.0}


async def test_user_http_client_is_used_and_left_open() -> None:
    """A caller's httpx client carries the requests, gains base URL and auth, and is not closed by aclose."""
    captured: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        return httpx.Response(200, json=state_doc())

    http_client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with TalonClient(BASE_URL, API_KEY, http_client=http_client) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
    assert not http_client.is_closed
    assert captured[0].headers["authorization"] == f"ApiKey-v1 {API_KEY}"
    await http_client.aclose()


async def test_a_callers_client_auth_does_not_replace_the_api_key() -> None:
    """A caller's client built with its own ``auth`` for other services still sends Talon the API key."""
    captured: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request)
        return httpx.Response(200, json=state_doc())

    http_client = httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=("someone", "else"))
    async with http_client, TalonClient(BASE_URL, API_KEY, http_client=http_client) as talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
        await http_client.get("https://elsewhere.example/")
    assert captured[0].headers["authorization"] == f"ApiKey-v1 {API_KEY}"
    assert captured[1].headers["authorization"].startswith("Basic ")


async def test_aclose_closes_own_pool() -> None:
    """Leaving ``async with`` closes the client's own transport (and with it the connection pool)."""
    closed: list[bool] = []

    class Closing(httpx.MockTransport):
        async def aclose(self) -> None:
            closed.append(True)

    talon = TalonClient(BASE_URL, API_KEY, transport=Closing(lambda r: httpx.Response(200, json=state_doc())))
    async with talon:
        await talon.update_customer_session("s1", body={"customerSession": {}})
        async with talon.dry_run():
            pass
        assert closed == []  # closing the dry_run() view closed nothing
    assert closed == [True]


async def test_dict_body_is_converted_with_from_dict() -> None:
    """A plain dict body in the API's camelCase is sent as the model would be."""
    captured: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        captured.append(request.content)
        return httpx.Response(200, json=state_doc())

    body = {"customerSession": {"profileId": "p1", "cartItems": [{"name": "x", "sku": "S", "quantity": 1}]}}
    async with make_client(handler) as talon:
        await talon.update_customer_session("s1", body=body)
        model = talon_async.models.IntegrationRequest.from_dict(body)
        await talon.update_customer_session("s1", body=model)
    assert captured[0] == captured[1]


async def test_dict_missing_required_key_names_the_field() -> None:
    """A dict without a required key raises InvalidRequestError naming the key, before sending."""
    async with make_client(lambda r: pytest.fail("must not send")) as talon:
        with pytest.raises(InvalidRequestError, match="'customerSession'"):
            await talon.update_customer_session("s1", body={"responseContent": []})
        with pytest.raises(InvalidRequestError, match="body: expected IntegrationRequest or a dict"):
            await talon.update_customer_session("s1", body=[1, 2])  # type: ignore[arg-type]


async def test_empty_path_value_rejected() -> None:
    """An empty path value would address another route, so it is refused before sending."""
    async with make_client(lambda r: pytest.fail("must not send")) as talon:
        with pytest.raises(InvalidRequestError, match="customer_session_id"):
            await talon.get_customer_session("")


async def test_with_raw_response_exposes_status_headers_and_parsed() -> None:
    """with_raw_response returns the final answer's status, headers and body with the typed result."""
    answers = iter(
        [httpx.Response(503), httpx.Response(200, json=state_doc(), headers={"x-request-id": "r9"})]
    )
    async with make_client(lambda r: next(answers)) as talon:
        raw = await talon.with_raw_response(talon.update_customer_session, "s1", body={"customerSession": {}})
    assert raw.status_code == 200
    assert raw.request_id == "r9"
    assert raw.attempts == 2
    assert isinstance(raw.parsed, talon_async.models.IntegrationStateV2)
    assert raw.content == httpx.Response(200, json=state_doc()).content


async def test_with_raw_response_rejects_a_function_that_sends_nothing() -> None:
    """Passing something that is not an operation method is a TypeError, not a silent empty result."""

    async def nothing() -> int:
        return 1

    async with make_client(lambda r: httpx.Response(200)) as talon:
        with pytest.raises(TypeError, match="sent no request"):
            await talon.with_raw_response(nothing)


async def test_with_raw_response_refuses_a_batch_before_reading_input() -> None:
    """A batch sends many requests, so with_raw_response refuses it before reading a single item."""
    read: list[int] = []

    def profiles() -> Iterator[dict[str, str]]:
        read.append(1)
        yield {"integrationId": "p1"}

    async with make_client(lambda r: pytest.fail("must not send")) as talon:
        with pytest.raises(TypeError, match="cannot wrap a batch"):
            await talon.with_raw_response(talon.batch_update_customer_profiles, profiles())
    assert read == []


async def test_with_raw_response_refuses_a_second_request_before_sending_it() -> None:
    """A callable that makes two operation calls gets TypeError instead of an arbitrary 'last' answer."""
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(200, json=state_doc())

    class TwoCalls(TalonClient):
        async def two_calls(self) -> None:
            await self.update_customer_session("s1", body={"customerSession": {}})
            await self.update_customer_session("s2", body={"customerSession": {}})

    async with TwoCalls(BASE_URL, API_KEY, transport=httpx.MockTransport(handler)) as talon:
        with pytest.raises(TypeError, match="second request"):
            await talon.with_raw_response(talon.two_calls)
    assert sent == ["/v2/customer_sessions/s1"]


async def test_works_with_the_default_transport_over_real_http(anyio_backend: str) -> None:
    """With no transport given, the client picks one for the running loop (aiohttp or httpcore) and works."""
    import anyio

    async def serve(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            await stream.receive()
            body = b'{"effects": [], "createdCoupons": [], "createdReferrals": []}'
            await stream.send(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
                + f"content-length: {len(body)}\r\n\r\n".encode()
                + body
            )

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, serve)
        async with TalonClient(f"http://127.0.0.1:{port}", API_KEY) as talon:
            state = await talon.update_customer_session("s1", body={"customerSession": {}})
        tg.cancel_scope.cancel()
    assert state.effects == []


async def test_silent_server_ends_in_timeout_error(anyio_backend: str) -> None:
    """Over real loopback HTTP, a server that never answers ends the call with APITimeoutError."""
    import anyio

    async def silent(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            await stream.receive()
            await anyio.sleep_forever()

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, silent)
        async with TalonClient(f"http://127.0.0.1:{port}", API_KEY, timeout=0.2, max_retries=0) as talon:
            with anyio.fail_after(10), pytest.raises(talon_async.APITimeoutError):
                await talon.track_event(body={"type": "click"})
        tg.cancel_scope.cancel()


async def test_refused_connection_is_a_connection_error(anyio_backend: str) -> None:
    """Over real loopback, a refused connection is APIConnectionError (not a timeout) on every transport."""
    import anyio

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    await listener.aclose()  # nothing listens on this port any more
    async with TalonClient(f"http://127.0.0.1:{port}", API_KEY, max_retries=0) as talon:
        with pytest.raises(talon_async.APIConnectionError) as caught:
            await talon.track_event(body={"type": "click"})
    assert not isinstance(caught.value, talon_async.APITimeoutError)


@pytest.mark.parametrize(
    ("timeout", "deadline"),
    [
        (10.0, 10.0),
        (httpx.Timeout(5.0, connect=1.0), 5.0),
        (httpx.Timeout(2.0, pool=None), 2.0),
        (httpx.Timeout(None, connect=3.0), None),
    ],
)
def test_attempt_deadline_is_the_largest_phase_timeout(
    timeout: httpx.Timeout | float, deadline: float | None
) -> None:
    """A whole attempt is bounded by its largest phase timeout, and unbounded only without a read timeout."""
    timeouts = (timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)).as_dict()
    assert attempt_deadline(timeouts) == deadline


async def test_an_answer_that_never_completes_ends_in_timeout_error() -> None:
    """A transport that never finishes (no per-read timeout fires) is cut off by the attempt deadline."""
    calls: list[str] = []

    async def stuck(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        await anyio.sleep_forever()
        raise AssertionError("unreachable")

    async with make_client(stuck, timeout=0.05) as talon:
        with anyio.fail_after(10), pytest.raises(talon_async.APITimeoutError, match="no complete answer"):
            await talon.track_event(body={"type": "click"})
        with anyio.fail_after(10), pytest.raises(talon_async.APITimeoutError):
            await talon.get_customer_session("s1")
    # Like a read timeout: the POST is not replayed, the GET is (twice, by default).
    assert calls == ["POST", "GET", "GET", "GET"]


async def test_dripping_server_ends_in_timeout_error(anyio_backend: str) -> None:
    """Over real loopback, a server sending a header line every 50 ms forever is cut off, not waited on."""

    async def drip(stream: anyio.abc.SocketStream) -> None:
        async with stream:
            await stream.receive()
            await stream.send(b"HTTP/1.1 200 OK\r\n")
            while True:
                await anyio.sleep(0.05)
                await stream.send(b"x-drip: 1\r\n")

    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, drip)
        async with TalonClient(f"http://127.0.0.1:{port}", API_KEY, timeout=0.3, max_retries=0) as talon:
            with anyio.fail_after(10), pytest.raises(talon_async.APITimeoutError):
                await talon.get_customer_session("s1")
        tg.cancel_scope.cancel()


async def test_debug_log_line_for_a_network_error(caplog: pytest.LogCaptureFixture) -> None:
    """An attempt that got no answer logs the error's name as status, its attempt number and the wait."""
    caplog.set_level(logging.DEBUG, logger="talon_async")
    answers: list[httpx.Response | Exception] = [httpx.ConnectError("refused"), httpx.Response(200, json={})]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    async with make_client(handler) as talon:
        await talon.get_customer_session("s1")
    lines = [r.getMessage() for r in caplog.records if r.name == "talon_async"]
    assert lines[0].startswith("GET /v2/customer_sessions/s1 status=ConnectError duration=")
    assert "attempt=1 request_id=- retry_in=" in lines[0]
    assert lines[1].startswith("GET /v2/customer_sessions/s1 status=200 ")
    assert "attempt=2" in lines[1]


async def test_defaults_are_finite_timeout_two_retries_and_a_bounded_pool() -> None:
    """Without options: 10 s per phase, 2 retries, 64 requests in flight."""
    seen: list[dict[str, float | None]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(503)

    async with make_client(handler) as talon:
        assert talon.max_retries == 2
        assert talon._max_concurrency == 64
        with pytest.raises(talon_async.InternalServerError):
            await talon.get_customer_session("s1")
    assert seen == [{"connect": 10.0, "read": 10.0, "write": 10.0, "pool": 10.0}] * 3
