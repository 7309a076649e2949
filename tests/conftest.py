"""Fixtures the tests share; plain helpers are in harness.py.

`tests/` and `bench/` are importable from every test module (helper modules such as faultserver,
walkrows and harness; the benchmark's sitegen and siteproxy)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Tests crawl their own loopback servers: no politeness delay, the old per-host concurrency (set
# before any crawl process starts, which inherits it; tests of politeness itself set their own)
os.environ.setdefault("GOVWATCH_DOWNLOAD_DELAY", "0")
os.environ.setdefault("GOVWATCH_CONCURRENT_PER_HOST", "4")
# a failed link is tried again a while later (crawler/linkcheck): a moment here, not 30 s
os.environ.setdefault("GOVWATCH_LINK_RETRY_AFTER", "0.3")

ROOT = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from harness import Mailbox, free_port  # noqa: E402


@pytest.fixture(scope="module")
def profile():
    """The default profile, gb2019 (loaded once a module)."""
    from checks.profile import load_profile
    return load_profile("gb2019")


@pytest.fixture
def cal():
    """A fresh working-day calendar (chinesecalendar, no holiday file): it records the years it estimated."""
    from checks.workdays import WorkCalendar
    return WorkCalendar()


@pytest.fixture
def smtp():
    """A loopback aiosmtpd server: (its Mailbox, its port)."""
    from aiosmtpd.controller import Controller
    box, port = Mailbox(), free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@pytest.fixture(autouse=True, scope="session")
def _each_yaml_text_parsed_once():
    """Every `judge_run` reads its profile and rubric again (`crawler.yamlfile.LocatedYaml`: pure-Python
    YAML, parsed twice, ~0.35 s a run), which made the rule tests most of the unit tier's time. Within
    one test session the same text always parses to the same tree, so each text is parsed once and every
    reader gets its own copy of the data (the node tree is only read, for line numbers). Errors are not
    kept: a broken file raises every time, as it does without this."""
    import copy

    import yaml

    from crawler import yamlfile

    compose, load = yaml.compose, yaml.load
    nodes: dict[str, object] = {}
    datas: dict[str, object] = {}

    def kept_compose(stream, Loader=yaml.Loader):  # noqa: N803 - yaml's own keyword
        if Loader is not yamlfile._Loader or not isinstance(stream, str):
            return compose(stream, Loader=Loader)
        if stream not in nodes:
            nodes[stream] = compose(stream, Loader=Loader)
        return nodes[stream]

    def kept_load(stream, Loader):  # noqa: N803
        if Loader is not yamlfile._Loader or not isinstance(stream, str):
            return load(stream, Loader)
        if stream not in datas:
            datas[stream] = load(stream, Loader)
        return copy.deepcopy(datas[stream])

    patch = pytest.MonkeyPatch()
    patch.setattr(yaml, "compose", kept_compose)
    patch.setattr(yaml, "load", kept_load)
    yield
    patch.undo()
