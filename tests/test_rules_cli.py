"""`govwatch rules` piped into a file or a pager never cuts a rule's code or name, whatever the
terminal width says."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from checks.registry import load_builtin_rules

pytestmark = pytest.mark.slow   # a subprocess

ROOT = Path(__file__).resolve().parents[1]


def test_piped_rules_keep_every_code_and_name_whole():
    env = dict(os.environ, COLUMNS="40", PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "crawler.cli", "rules"], env=env, cwd=str(ROOT),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rules = load_builtin_rules()
    assert rules
    for rule in rules.values():
        assert rule.code in proc.stdout, rule.code
        assert rule.title in proc.stdout, rule.title
    assert "…" not in proc.stdout
