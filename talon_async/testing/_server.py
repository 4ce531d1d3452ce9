"""``FakeTalonServer``: a ``FakeTalon`` served over real HTTP on loopback, from a background thread.

Needs uvicorn (``pip install "talon-async[testing]"``). The fake's state is shared with the
thread that serves it: seed it before sending requests, and read it after they have answered.
"""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._fake import FakeTalon

__all__ = ["FakeTalonServer"]

# Starting uvicorn takes milliseconds; this only bounds a broken start.
_START_TIMEOUT = 10.0


class FakeTalonServer:
    """Serve ``fake`` on ``host:port`` (port 0 picks a free one) until ``stop()``.

    Use as a context manager: ``with FakeTalonServer(fake) as server: server.base_url``.
    """

    def __init__(self, fake: FakeTalon | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if fake is None:
            from ._fake import FakeTalon

            fake = FakeTalon()
        self.fake = fake
        self.host = host
        self.port = port
        self._server: Any = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = "running" if self._thread is not None else "stopped"
        return f"<FakeTalonServer {self.host}:{self.port} {state}>"

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_key(self) -> str:
        return self.fake.api_key

    def start(self) -> FakeTalonServer:
        try:
            import uvicorn
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise RuntimeError('the fake server needs uvicorn: pip install "talon-async[testing]"') from exc
        config = uvicorn.Config(
            self.fake.app,
            host=self.host,
            port=self.port,
            log_level="warning",
            lifespan="off",
            access_log=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="fake-talon-server", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the fake server did not start on {self.host}:{self.port}")
            time.sleep(0.01)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=_START_TIMEOUT)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeTalonServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
