"""The export's state encoder given a deadline's sketches (`Encoder.pack_sketched`) says what it
says given the case's events (`Encoder.pack`): the same records, and the same strings numbered
in the same order, so that the saved state is the same, byte for byte.

Each deadline's records are made once, at its first case, for every case with the same brief:
what they hold must not depend on the case's reference, and the strings they number must be
numbered when `pack` would have numbered them.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from calendars.plan import ExportOptions, Planner, Sketch, Sketched, uid_tail
from caseload.export import _HEAD, REF, Encoder, Texts, _renumber, pack, unpack
from caseload.schema import V4
from deadlines.engine import Computation
from tests.calendars.test_fast import _case_and_options
from tests.calendars.test_plan_speed import REFS


def _texts(*stored: str) -> Texts:
    connection = sqlite3.connect(":memory:")
    connection.executescript(V4.split("CREATE TABLE exported_text")[0].split(";", 1)[1])
    connection.executescript(V4[V4.index("CREATE TABLE exported_text") :])
    connection.executemany("INSERT INTO exported_text (text) VALUES (?)", [(t,) for t in stored])
    return Texts(connection)


def _pack(encoder: Encoder, ref: str, planner: Planner, sketched: list[Sketched]) -> bytes:
    packed = encoder.pack_sketched(ref, sketched)
    if packed is None:
        packed = encoder.pack(planner.events(ref, sketched), f"[{ref}]", uid_tail(ref))
    return packed


@settings(max_examples=150, deadline=None)
@given(st.lists(_case_and_options(), min_size=1, max_size=3), st.lists(REFS, max_size=3))
def test_sketches_pack_as_their_events(
    drawn: list[tuple[object, ExportOptions]], refs: list[str]
) -> None:
    options = drawn[0][1]
    planner = Planner(options.lang, options.reminders, options.include_info)
    stored = ("Rappel J-7 : ", "\x00A", "line")  # a state from an earlier export
    fast, plain = Encoder(_texts(*stored)), Encoder(_texts(*stored))
    # Each case's deadlines for several references: the records of a brief are made at its
    # first case and reused by the next ones.
    for computation, case_options in drawn:
        assert isinstance(computation, Computation)
        listed = tuple(d.listed for d in computation.deadlines)
        for ref in [case_options.ref, *refs]:
            sketched = planner.sketches(listed)
            events = planner.events(ref, sketched)
            assert _pack(fast, ref, planner, sketched) == plain.pack(
                events, f"[{ref}]", uid_tail(ref)
            )
            assert fast.texts.new == plain.texts.new


def test_what_depends_on_the_reference_is_packed_as_events() -> None:
    """A reference holding REF, or a summary holding "[" (a reference's "[REF]" could be in
    it): no records from sketches, and no string numbered for them."""
    day = date(2026, 1, 15)

    def sketch(rest: str) -> Sketch:
        return Sketch("r.k.0", "", rest, "d", day, day + timedelta(1), True, (), "info", "r", ())

    encoder = Encoder(_texts())
    assert encoder.pack_sketched(f"A{REF}", [(sketch("t"),)]) is None
    assert encoder.pack_sketched("A", [(sketch("t [A] u"),)]) is None
    assert encoder.texts.new == []
    assert encoder.pack_sketched("A", [(sketch("t"),)]) is not None
    assert encoder.texts.new == ["r.k.0", f"{REF} t", '["info", "r", [], []]', "d"]


def _renumbered_records(blob: bytes, numbers: dict[int, int]) -> bytes:
    """caseload.export._renumber as it was: every record unpacked, renumbered, packed."""

    def new(n: int) -> int:
        return numbers.get(n, n)

    def when(code: int) -> int:
        return -new(-code) if code < 0 else code

    return pack(
        (new(r[0]), new(r[1]), when(r[2]), when(r[3]), r[4], new(r[5]), *map(new, r[_HEAD:]))
        for r in unpack(blob)
    )


NUMBER = st.integers(1, 40)
RECORD = st.tuples(
    NUMBER,
    NUMBER,
    st.sampled_from([739000, 739001, -3, -40]),
    st.sampled_from([739001, -4, -40]),
    st.integers(0, 1),
    NUMBER,
    st.lists(NUMBER, max_size=4).map(tuple),
)


# What `_renumber` is given: one new number a string (ids are unique), none already in use.
RENUMBERING = st.lists(NUMBER, unique=True).flatmap(
    lambda old: st.lists(
        st.integers(41, 80), min_size=len(old), max_size=len(old), unique=True
    ).map(lambda new: dict(zip(old, new, strict=True)))
)


@given(
    st.lists(RECORD, max_size=8).map(lambda rs: [(*r[:6], *r[6]) for r in rs]),
    RENUMBERING,
    st.booleans(),
)
def test_renumbering_a_packed_state_changes_only_its_numbers(
    records: list[tuple[int, ...]], numbers: dict[int, int], repeat: bool
) -> None:
    if repeat and records:  # a record with the lines of the one before it: SAME
        records.append((*records[-1][:_HEAD], *records[-1][_HEAD:]))
    blob = pack(records)
    assert _renumber(blob, numbers) == _renumbered_records(blob, numbers)
