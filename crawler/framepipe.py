"""A one-way pipe of pickled messages whose writing end does not block the crawl's event loop.

Why: the crawl process hands raw pages to the page reader (crawler/pagereader.py). With a blocking
write the crawl stopped whenever the reader fell behind for a moment — it runs niced, beside the
crawl, Scrapy's threads and whatever else the machine does — and a sweep's crawl process spent a
real share of its wall time, hardly any of it CPU, inside such writes (bench/README.md). Here a
message waits in an outbox that the event loop drains whenever the pipe has room; only a large
backlog makes the writer wait (`drain`), so memory stays bounded when the reader is slower than the
crawl for long.

Frames are a 4-byte length and a pickle; both ends are ours, so nothing depends on the private
wire format of `multiprocessing.Connection`.
"""
from __future__ import annotations

import os
import pickle
import select
import struct
from collections import deque

HEADER = struct.Struct("!I")
PIPE_SIZE = 1 << 20        # Linux lets an unprivileged process grow a pipe to 1 MiB (pipe-max-size)
READ_CHUNK = 256 * 1024


def grow(fd: int, size: int = PIPE_SIZE) -> None:
    """A bigger pipe means fewer wake-ups of either side; where it cannot grow, 64 KiB still works."""
    try:
        import fcntl
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, size)
    except (ImportError, AttributeError, OSError):
        pass


class FrameWriter:
    """The writing end. `send` never waits; the owner bounds `backlog` with `drain`."""

    def __init__(self, fd: int):
        self.fd = fd
        os.set_blocking(fd, False)
        grow(fd)
        self._out: deque[memoryview] = deque()
        self.backlog = 0
        self.error: OSError | None = None
        self._loop = None
        self._watching = False

    def attach(self, loop) -> None:
        """From now on the event loop writes the outbox out as the pipe empties."""
        self._loop = loop
        self._watch()

    def detach(self) -> None:
        if self._loop is not None and self._watching:
            try:
                self._loop.remove_writer(self.fd)
            except (OSError, ValueError):
                pass
        self._watching = False
        self._loop = None

    def send(self, message) -> None:
        """Queue one message and write what the pipe takes now. Raises the pipe's error (the
        reading end gone: BrokenPipeError) if writing ever failed."""
        if self.error is not None:
            raise self.error
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        self._out.append(memoryview(HEADER.pack(len(data))))
        self._out.append(memoryview(data))
        self.backlog += HEADER.size + len(data)
        self.flush()
        if self.error is not None:
            raise self.error

    def flush(self) -> None:
        out = self._out
        try:
            while out:
                n = os.write(self.fd, out[0])
                self.backlog -= n
                if n == len(out[0]):
                    out.popleft()
                else:
                    out[0] = out[0][n:]
        except BlockingIOError:
            pass
        except OSError as e:      # the reader is gone: nothing queued can be delivered
            self.error = e
            self._out.clear()
            self.backlog = 0
        self._watch()

    def drain(self, limit: int = 0, timeout: float | None = None, read_fd: int | None = None,
              on_readable=None) -> bool:
        """Wait until at most `limit` bytes are queued, handing `read_fd` to `on_readable` whenever
        it has data meanwhile (the other side may itself be waiting for us to read its answers);
        False when `timeout` seconds pass with neither happening."""
        while self.backlog > limit and self.error is None:
            readable, writable, _ = select.select([read_fd] if read_fd is not None else [],
                                                  [self.fd], [], timeout)
            if not readable and not writable:
                return False
            if readable:
                on_readable()
            if writable:
                self.flush()
        return True

    def _watch(self) -> None:
        want = bool(self._out) and self._loop is not None
        if want and not self._watching:
            self._loop.add_writer(self.fd, self.flush)
        elif not want and self._watching:
            self._loop.remove_writer(self.fd)
        self._watching = want

    def close(self) -> None:
        self.detach()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class FrameReader:
    """The reading end, blocking: `recv` returns the next message, EOFError once the writer is gone."""

    def __init__(self, fd: int):
        self.fd = fd
        self._buf = bytearray()
        self._chunk = bytearray(READ_CHUNK)   # read into, reused: no fresh 256 KiB per read

    def _fill(self, need: int) -> None:
        view = memoryview(self._chunk)
        while len(self._buf) < need:
            n = os.readv(self.fd, [view])
            if not n:
                raise EOFError("frame pipe closed")
            self._buf += view[:n]

    def recv(self):
        self._fill(HEADER.size)
        (size,) = HEADER.unpack_from(self._buf)
        self._fill(HEADER.size + size)
        with memoryview(self._buf) as view:
            frame = view[HEADER.size:HEADER.size + size]
            message = pickle.loads(frame)  # noqa: S301 - both ends of the pipe are this crawl's own processes
            frame.release()
        del self._buf[:HEADER.size + size]
        return message

    def poll(self, timeout: float = 0.0) -> bool:
        """Is a message (or the end of the pipe) there, or will one be within `timeout` seconds?"""
        if self._buf:
            return True
        readable, _, _ = select.select([self.fd], [], [], timeout)
        return bool(readable)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
