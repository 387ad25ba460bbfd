"""Settings for the whole test run, notebooks included.

nbval runs each notebook in a kernel that inherits this process's environment, so the learner,
the language and the progress folder are fixed here: saved outputs (option order, messages,
progress tables) then come out the same on every machine, and tests never touch a learner's own
``~/.tipcourse``.
"""

import os
import shutil
import tempfile

_home = tempfile.mkdtemp(prefix="tipcourse-test-home-")


def pytest_configure(config):
    os.environ["TIPCOURSE_LEARNER"] = "course-check"
    os.environ["TIPCOURSE_LANG"] = "en"
    os.environ["TIPCOURSE_HOME"] = _home


def pytest_unconfigure(config):
    shutil.rmtree(_home, ignore_errors=True)
