"""Work done by a forked child while the parent does its own.

A province run's site pages (reports/fleet.py) take longer to render than every other format
together; on a machine with a second core a child renders them while the parent writes the other
formats, then the parent joins in (html.FleetPages shares out the pages). The child shares the
built model with the parent (fork copies nothing until written), writes its files and exits; the
parent waits for it before it returns, so callers see the same as a sequential write. Where there
is no fork (Windows) the parent does everything itself.
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
    """`write()` running in a forked child; `path` names what it writes, for the error."""

    def __init__(self, write: Callable[[], object], path: Path):
        self.path = path
        sys.stdout.flush()   # else what the parent had buffered would be written twice
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:   # the child: write, then leave without the parent's exit handlers
            code = 1
            try:
                write()
                code = 0
            except BaseException:  # noqa: BLE001 - every end is os._exit; the parent reports it
                traceback.print_exc()
            finally:
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
