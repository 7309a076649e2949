"""The page reader's pipe (crawler/framepipe.py): the crawl's side never waits on a slow reader,
every message arrives whole and in order, and a reader that is gone is reported, not waited for."""
from __future__ import annotations

import asyncio
import os
import threading

import pytest

from crawler.framepipe import FrameReader, FrameWriter


@pytest.fixture
def pipe():
    r, w = os.pipe()
    writer, reader = FrameWriter(w), FrameReader(r)
    yield writer, reader
    writer.close()
    reader.close()


def test_send_does_not_wait_for_a_reader_that_is_not_reading(pipe):
    writer, reader = pipe
    page = os.urandom(50_000)
    for i in range(200):                      # 10 MB: far more than any pipe holds
        writer.send(("pages", i, page))
    assert writer.backlog > 5_000_000         # queued here, not blocked on
    got = []

    def read_all():
        for _ in range(200):
            got.append(reader.recv())
    t = threading.Thread(target=read_all)
    t.start()
    assert writer.drain(0, timeout=30)
    t.join(30)
    assert writer.backlog == 0
    assert [m[1] for m in got] == list(range(200)) and all(m[2] == page for m in got)


def test_event_loop_writes_the_outbox_as_the_pipe_empties(pipe):
    writer, reader = pipe
    messages = [("pages", i, bytes([i % 256]) * 30_000) for i in range(100)]
    got = []

    async def main():
        loop = asyncio.get_running_loop()
        writer.attach(loop)
        for m in messages:
            writer.send(m)
        assert writer.backlog > 0
        done = loop.run_in_executor(None, lambda: [got.append(reader.recv()) for _ in messages])
        await asyncio.wait_for(done, 30)
        writer.detach()

    asyncio.run(main())
    assert got == messages and writer.backlog == 0


def test_reader_polls_and_sees_the_end_of_the_pipe(pipe):
    writer, reader = pipe
    assert not reader.poll(0.01)
    writer.send(("config", "2026-11-27", 400))
    writer.send(("stop",))
    assert reader.poll(0) and reader.recv() == ("config", "2026-11-27", 400)
    assert reader.poll(0) and reader.recv() == ("stop",)
    writer.close()
    assert reader.poll(1.0)
    with pytest.raises(EOFError):
        reader.recv()


def test_a_gone_reader_is_an_error_not_a_wait(pipe):
    writer, reader = pipe
    reader.close()
    with pytest.raises(BrokenPipeError):
        writer.send(("pages", b"x" * 1000))
    assert writer.backlog == 0
    assert writer.drain(0, timeout=1.0)      # nothing left to wait for
    with pytest.raises(BrokenPipeError):
        writer.send(("pages", b"y"))


def test_drain_takes_the_other_sides_answers_while_it_waits(pipe):
    """The reader may be blocked writing answers while the crawl waits to write pages: drain hands
    the answers pipe to its callback, so neither side waits on the other for ever."""
    writer, reader = pipe
    ans_r, ans_w = os.pipe()
    answered = []

    def reader_side():
        # answers the first page with more bytes than a pipe holds, before reading any further
        first = reader.recv()
        os.write(ans_w, b"a" * 30_000)
        os.write(ans_w, b"a" * 300_000)
        answered.append(first[1])
        while True:
            try:
                m = reader.recv()
            except EOFError:
                return
            answered.append(m[1])

    t = threading.Thread(target=reader_side)
    t.start()
    taken = bytearray()
    for i in range(60):
        writer.send(("pages", i, b"p" * 50_000))
    assert writer.drain(0, timeout=30, read_fd=ans_r, on_readable=lambda: taken.extend(os.read(ans_r, 1 << 20)))
    writer.close()
    while len(taken) < 330_000:
        taken.extend(os.read(ans_r, 1 << 20))
    t.join(30)
    os.close(ans_r)
    os.close(ans_w)
    assert answered == list(range(60)) and len(taken) == 330_000
