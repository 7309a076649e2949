"""One report written in a forked child while the parent writes the others.

A province run's pages (report.html and a page per site, reports/fleet.py) take as long to render
as every other format together; on a machine with a second core the two halves overlap. The child
shares the built model with the parent (fork copies nothing until written), writes its files and
exits; the parent waits for it before it returns, so callers see the same thing as a sequential
write. Where there is no fork (Windows) the caller writes everything itself.
"""
from __future__ import annotations

import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

CAN_FORK = hasattr(os, "fork")


class ChildFailed(RuntimeError):
    pass


class Child:
    """`write()` running in a forked child, which is to produce `path`."""

    def __init__(self, write: Callable[[], object], path: Path):
        self.path = path
        self.pid = os.fork()
        if self.pid == 0:   # the child: write, then leave without the parent's exit handlers
            code = 1
            try:
                write()
                code = 0
            except BaseException:  # noqa: BLE001 - every end is os._exit; the parent reports it
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)

    def wait(self) -> Path:
        """The path, once the child exited cleanly; ChildFailed (its traceback on stderr) if not."""
        _, status = os.waitpid(self.pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise ChildFailed(f"报告 {self.path.name} 写入失败（子进程退出码 {code}）")
        return self.path

    def stop(self) -> None:
        """The parent failed: the child's work is of no use."""
        os.kill(self.pid, signal.SIGTERM)
        os.waitpid(self.pid, 0)
