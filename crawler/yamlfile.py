"""YAML files people edit by hand (sites file, profiles, rubrics, holiday files), read so that every
error can name the file, the line and the field.

One mechanism for all of them: parsed with a SafeLoader (never arbitrary objects), with the node tree
kept so validation can point at the offending line. `error_cls` is called as
`error_cls(message, file=…, line=…, field=…)`.
"""
from __future__ import annotations

from pathlib import Path

import yaml


class _Loader(yaml.SafeLoader):
    """SafeLoader whose impossible dates (2027-13-01) become located YAML errors instead of ValueError."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(None, None, f"无效日期 {node.value!r}（{exc}）",
                                                    node.start_mark) from exc


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class LocatedYaml:
    """Parsed YAML plus its node tree, so validation errors can point at the offending line."""

    def __init__(self, path: str | Path, error_cls: type[Exception]):
        self.path = Path(path)
        self.error_cls = error_cls
        try:
            text = self.path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise error_cls(f"无法读取文件（{exc.strerror or exc}）", file=self.path) from exc
        try:
            self.node = yaml.compose(text, Loader=_Loader)
            self.data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            raise error_cls(f"YAML 语法错误（{problem}）", file=self.path,
                            line=mark.line + 1 if mark else None) from exc

    def line(self, path: tuple) -> int | None:
        """Line of the deepest node found along `path` (keys/indices)."""
        node, found = self.node, None
        for part in path:
            if node is None:
                break
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for key_node, value_node in node.value:
                    if str(key_node.value) == str(part):
                        found, nxt = key_node.start_mark.line + 1, value_node
                        break
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                found = node.start_mark.line + 1
            else:
                break
        if found is None and self.node is not None:
            found = self.node.start_mark.line + 1
        return found

    def fail(self, path: tuple, message: str):
        raise self.error_cls(message, file=self.path, line=self.line(path),
                             field=".".join(str(p) for p in path) or None)

    def only_keys(self, path: tuple, mapping: dict, allowed) -> None:
        """Fail at the first key of `mapping` (found at `path`) that is not in `allowed`."""
        for key in mapping:
            if key not in allowed:
                self.fail(path + (key,), f"未知字段 {key!r}，可用字段：{', '.join(sorted(allowed))}")
