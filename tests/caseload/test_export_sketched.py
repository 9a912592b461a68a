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
from caseload.export import REF, Encoder, Texts
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
