"""Fixtures for the process designer: the pages' world (standard process deployed, one user per
role, recommendations walked through the real services) plus a designer, and helpers to make new
versions of the standard bundle."""

from __future__ import annotations

import pytest

from config.settings import PROJECT_ROOT
from engine import deployments
from tests.web import conftest as web_fixtures
from tests.web.conftest import Pages, text  # noqa: F401 - used by the tests of this folder
from workflows.users import services as users

# The pages' fixtures are the designer's too (the world with the standard process deployed, a live
# server, Debian's Chromium).
world = web_fixtures.world
scenario = web_fixtures.scenario
pages = web_fixtures.pages
live_server = web_fixtures.live_server
screenshot = web_fixtures.screenshot
browser_type_launch_args = web_fixtures.browser_type_launch_args
browser_context_args = web_fixtures.browser_context_args

PASSWORD = "correct horse battery"
DESIGNER_EMAIL = "designer@ombudsman.example"
BPMN_DIR = PROJECT_ROOT / "bpmn"


def pytest_collection_modifyitems(config, items):
    web_fixtures.pytest_collection_modifyitems(config, items)


@pytest.fixture
def designer(app, db, world):
    user = users.create_user(DESIGNER_EMAIL, name="Оксана Дизайнер", role="designer", password=PASSWORD)
    db.session.commit()
    return user


@pytest.fixture
def designer_pages(app, designer) -> Pages:
    client = Pages(app.test_client())
    client.login(designer.email)
    return client


def standard_files() -> dict[str, str]:
    return deployments.collect_files([BPMN_DIR])


def changed_files(changes: dict[str, list[tuple[str, str]]]) -> dict[str, str]:
    """The standard bundle with {file: [(old text, new text), …]} replaced (every occurrence)."""
    files = standard_files()
    for name, replacements in changes.items():
        for old, new in replacements:
            assert old in files[name], f"{old!r} is not in {name}"
            files[name] = files[name].replace(old, new)
    return files


def deploy_changed(db, changes: dict[str, list[tuple[str, str]]], *, comment: str = "", actor: str = "test"):
    """Deploy a new version of the standard bundle with `changes` (see `changed_files`)."""
    files = changed_files(changes)
    result = deployments.deploy(files, actor=actor, comment=comment, warnings_note="test")
    db.session.commit()
    return result
