"""The decoder of the event pipe's bytes (tui/engine/decoder.py), fuzzed: whatever bytes come, in whatever pieces, it
never raises, never waits for more than a whole frame, returns only well-formed events, never calls anything a pickle
names, and finds every real frame again after garbage."""

from __future__ import annotations

import pickle
import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.engine.decoder import PICKLE_START, FrameDecoder, decode_payload
from tui.inside.frames import FrameEncoder

CALLED: list[str] = []


def _record_call(what: str) -> str:
    CALLED.append(what)
    return what


class Forged:
    """A pickle of it would call _record_call when loaded, if the loader let it name that function."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return _record_call, ("called",)


texts = st.text(max_size=40)
fields = st.dictionaries(st.sampled_from(["text", "lock", "child", "x"]),
                         st.one_of(texts, st.integers(), st.booleans(), st.none(), st.lists(st.integers(), max_size=3)),
                         max_size=3)
events = st.tuples(st.integers(0, 2**40), st.sampled_from(["stdout", "lock.acquire", "no.such.kind"]),
                   st.integers(1, 2**22), st.integers(0, 2**22), fields)


def frames_of(batch: list[tuple]) -> bytes:
    return b"".join(FrameEncoder().frames(batch))


def feed_in_pieces(decoder: FrameDecoder, data: bytes, cuts: list[int]) -> list[tuple]:
    """Feed ``data`` cut at ``cuts``, the last piece with nothing more to read."""
    points = sorted({c % (len(data) + 1) for c in cuts} | {0, len(data)})
    out: list[tuple] = []
    for a, b in zip(points, points[1:]):
        out += decoder.feed(data[a:b], drained=b == len(data))
    return out


def well_formed(wire: tuple) -> bool:
    t, kind, pid, tid, f = wire
    return type(t) is int and type(kind) is str and type(pid) is int and type(tid) is int and type(f) is dict


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(0, 3000), max_size=6))
def test_random_bytes_in_any_pieces_never_raise_and_give_only_well_formed_events(data: bytes, cuts: list[int]) -> None:
    decoder = FrameDecoder()
    wires = feed_in_pieces(decoder, data, cuts)
    decoder.finish()
    assert all(well_formed(w) for w in wires)


@settings(max_examples=200, deadline=None)
@given(st.lists(events, min_size=1, max_size=60), st.lists(st.integers(0, 10_000), max_size=8))
def test_real_frames_in_any_pieces_give_every_event_and_drop_nothing(batch: list[tuple], cuts: list[int]) -> None:
    decoder = FrameDecoder()
    assert feed_in_pieces(decoder, frames_of(batch), cuts) == batch
    assert decoder.dropped == 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.binary(min_size=1, max_size=300).filter(lambda g: PICKLE_START not in g),
                          st.lists(events, min_size=1, max_size=5)), min_size=1, max_size=6))
def test_every_real_frame_is_found_again_after_garbage(pieces: list[tuple[bytes, list[tuple]]]) -> None:
    """Garbage written between frames (each write whole, as the pipe keeps them) costs only itself."""
    decoder = FrameDecoder()
    got: list[tuple] = []
    for garbage, batch in pieces:
        got += decoder.feed(garbage + frames_of(batch), drained=True)
    assert got == [e for _, batch in pieces for e in batch]
    assert decoder.dropped <= len(pieces)


def test_a_pickle_that_names_a_function_is_refused_and_nothing_is_called() -> None:
    CALLED.clear()
    forged = pickle.dumps([(1, "stdout", 2, 2, {"text": Forged()})], protocol=5)
    assert decode_payload(forged) is None
    decoder = FrameDecoder()
    real = frames_of([(2, "stdout", 2, 2, {"text": "after"})])
    assert decoder.feed(struct.pack("!i", len(forged)) + forged + real, drained=True) == [
        (2, "stdout", 2, 2, {"text": "after"})]
    assert CALLED == [] and decoder.dropped == 1


def test_a_length_beyond_any_frame_or_a_frame_cut_short_is_not_waited_for() -> None:
    decoder = FrameDecoder()
    real = frames_of([(3, "stdout", 2, 2, {"text": "next"})])
    # a header promising 2 GB, and one promising 4095 bytes that never come: the frame behind each still arrives
    assert decoder.feed(b"\x7f\xff\xff\xff" + real, drained=True) == [(3, "stdout", 2, 2, {"text": "next"})]
    assert decoder.feed(b"\x00\x00\x0f\xff" + real, drained=True) == [(3, "stdout", 2, 2, {"text": "next"})]
    assert decoder.dropped == 2


def test_events_of_the_wrong_shape_are_dropped_and_unknown_kinds_are_kept() -> None:
    def payload(items: object) -> bytes:
        return pickle.dumps(items, protocol=5)

    assert decode_payload(payload([(1, "no.such.kind", 2, 2, {})])) == [(1, "no.such.kind", 2, 2, {})]
    for bad in ({"a": 1}, [(1, "stdout", 2, 2)], [("1", "stdout", 2, 2, {})], [(1, "stdout", 2, 2, {3: "x"})],
                [(1, b"stdout", 2, 2, {})]):
        assert decode_payload(payload(bad)) is None, bad
