"""An embedded, stateful fake of the Talon.One Integration API, for tests and demos.

Three ways to use it::

    fake = FakeTalon()
    httpx.AsyncClient(transport=fake.transport(), base_url="http://fake", headers=fake.auth_headers)
    fake.app                                   # any ASGI server
    python -m talon_async.testing --port 8765  # a loopback server (needs talon-async[testing])

For pytest, add ``pytest_plugins = ["talon_async.testing.pytest_plugin"]`` to a conftest.py and
use the ``fake_talon`` and ``fake_talon_server`` fixtures.
"""

try:
    import jsonschema_rs as _jsonschema_rs  # noqa: F401
    import yaml as _yaml  # noqa: F401
except ImportError as _missing:  # pragma: no cover - depends on the install
    raise ImportError(
        f"talon_async.testing needs the 'testing' extra ({_missing.name} is missing): "
        'pip install "talon-async[testing]"'
    ) from _missing

from .._public import rehome as _rehome
from ._app import FakeTalonApp as FakeTalonApp
from ._errors import RuleError as RuleError
from ._errors import SpecViolation as SpecViolation
from ._fake import FakeTalon as FakeTalon
from ._fake import RecordedRequest as RecordedRequest
from ._faults import Fault as Fault
from ._faults import Faults as Faults
from ._rules import CouponCodes as CouponCodes
from ._rules import CouponView as CouponView
from ._rules import PercentOffCart as PercentOffCart
from ._rules import PointsPerCurrencyUnit as PointsPerCurrencyUnit
from ._rules import ProgramView as ProgramView
from ._rules import Rule as Rule
from ._rules import RuleContext as RuleContext
from ._rules import example_rules as example_rules
from ._server import FakeTalonServer as FakeTalonServer

__all__ = [
    "CouponCodes",
    "CouponView",
    "FakeTalon",
    "FakeTalonApp",
    "FakeTalonServer",
    "Fault",
    "Faults",
    "PercentOffCart",
    "PointsPerCurrencyUnit",
    "ProgramView",
    "RecordedRequest",
    "Rule",
    "RuleContext",
    "RuleError",
    "SpecViolation",
    "example_rules",
]

# Exported classes print and pickle as ``talon_async.testing.FakeTalon``, not the private module
# that defines them.
_rehome(__name__, globals(), __all__)
