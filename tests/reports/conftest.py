"""The domain world of tests/workflows (BPMN deployed, authorities, users) for the reports' tests."""

from tests.web.conftest import Pages, browser_context_args, browser_type_launch_args, live_server, screenshot
from tests.workflows.conftest import api, world

__all__ = [
    "Pages",
    "api",
    "browser_context_args",
    "browser_type_launch_args",
    "live_server",
    "screenshot",
    "world",
]
