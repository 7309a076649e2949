"""Two promises that live in how the code is written, checked over the source itself:
YAML is only ever loaded with a safe loader, and nothing runs a shell (page data can never reach one)."""
import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow   # each parses the whole source tree (> 0.5 s)

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crawler", "spiders", "checks", "reports")


def _calls():
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    yield path, node


def _name(func) -> str:
    if isinstance(func, ast.Attribute):
        return f"{_name(func.value)}.{func.attr}"
    return getattr(func, "id", "")


def test_yaml_loaded_safely():
    unsafe = []
    for path, call in _calls():
        name = _name(call.func)
        if name in ("yaml.load", "yaml.load_all", "yaml.compose"):
            loader = next((k.value for k in call.keywords if k.arg == "Loader"), None)
            safe = loader is not None and ("Safe" in _name(loader) or
                                           (path.name == "yamlfile.py" and _name(loader) == "_Loader"))
            if not safe:
                unsafe.append(f"{path.name}:{call.lineno}")
        if name in ("yaml.unsafe_load", "yaml.full_load"):
            unsafe.append(f"{path.name}:{call.lineno}")
    assert unsafe == []
    import yaml

    from crawler.yamlfile import _Loader
    assert issubclass(_Loader, yaml.SafeLoader)


def test_no_shell_anywhere():
    shells = []
    for path, call in _calls():
        name = _name(call.func)
        if name in ("os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput"):
            shells.append(f"{path.name}:{call.lineno}")
        if name.startswith("subprocess.") and any(
                k.arg == "shell" and getattr(k.value, "value", False) is True for k in call.keywords):
            shells.append(f"{path.name}:{call.lineno}")
    assert shells == []
    # the one subprocess govwatch starts is the crawl, with an argument list
    assert any(_name(c.func) == "subprocess.run" for p, c in _calls() if p.name == "crawl.py")
