"""Shared test set-up: every test gets its own learner home, so no test touches ~/.tipcourse."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def tipcourse_home(tmp_path, monkeypatch):
    """A fresh, empty TIPCOURSE_HOME for each test, in English."""
    home = tmp_path / "tipcourse-home"
    monkeypatch.setenv("TIPCOURSE_HOME", str(home))
    monkeypatch.setenv("TIPCOURSE_LANG", "en")  # whatever the machine's locale says
    monkeypatch.setenv("TIPCOURSE_LEARNER", "test-learner")
    from tipcourse.engine import _store
    from tipcourse.report import messages

    monkeypatch.setattr(messages, "_chosen", None)
    monkeypatch.setattr(_store, "_chosen_learner", None)  # set_learner of an earlier test
    return home


@pytest.fixture
def recorded_attempts(monkeypatch):
    """The attempts that check() records, captured in a list instead of the attempts store."""
    from tipcourse.engine import _store

    attempts = []
    monkeypatch.setattr(_store, "record_attempt", lambda **attempt: attempts.append(attempt))
    return attempts


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The course website, both languages, built once for the tests of a module."""
    from tipcourse.views.site import build_site

    out = tmp_path_factory.mktemp("site")
    build_site(out)
    return out
