"""A reproducible caseload of N cases, written through the project's own store.

    python -m bench.generate N DB_PATH [--seed S]

Every case is drawn from a seeded `random.Random` and validated by `deadlines.case.Case` exactly
as `deadlines case add` would: a draw the domain refuses (InputError: events out of order, a
local time that does not exist, …) is drawn again, and counted, never skipped silently. Cases
use every event kind the user can enter (repeatable OFII and college requests, timed OQTF
notifications with their facts) and every territory code of `all_territory_codes()`; dates lie
in 2024–2027. The same N and seed give the same cases (refs `bench-00000`…), whatever the
machine.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time as clock
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from caseload.db import connect
from caseload.store import insert
from deadlines.case import Facts, make_case
from deadlines.errors import InputError
from deadlines.rules.model import (
    Channel,
    Custody,
    EventKind,
    LegalAidOutcome,
    OqtfGround,
    Residence,
)
from deadlines.territories import all_territory_codes

FIRST_DAY = date(2024, 1, 1)
LAST_DAY = date(2027, 12, 31)
# Cases start (are filed) up to here; the later events of a case follow within about a year.
LAST_ANCHOR = date(2027, 3, 31)
DEFAULT_SEED = 20261123
REF_FORMAT = "bench-{:05d}"
SOURCE = "bench"
MAX_DRAWS = 1000  # per case: a generator bug, not bad luck, if reached

Pair = tuple[EventKind, date]


@dataclass
class Stats:
    cases: int = 0
    seed: int = DEFAULT_SEED
    seconds: float = 0.0
    redraws_invalid: dict[str, int] = field(default_factory=dict)  # InputError key -> count
    redraws_out_of_range: int = 0
    events: dict[str, int] = field(default_factory=dict)
    timed_oqtf: int = 0
    territories: int = 0
    first_day: str = ""
    last_day: str = ""

    @property
    def redraws(self) -> int:
        return sum(self.redraws_invalid.values()) + self.redraws_out_of_range


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _after(rng: random.Random, day: date, low: int, high: int) -> date:
    return day + timedelta(days=rng.randint(low, high))


def _oqtf(rng: random.Random, anchor: date, refusal: date | None) -> tuple[Pair, Facts]:
    """An OQTF notification (usually with its local time) and the facts that go with it."""
    if refusal is not None and rng.random() < 0.5:
        notified = refusal  # refusal and OQTF notified together (the common case)
    else:
        notified = _after(rng, anchor, 60, 420)
    at: date = notified
    if rng.random() < 0.85:  # the time is known: an hour deadline counts to the minute
        at = datetime.combine(notified, time(rng.randint(0, 23), rng.randint(0, 59)))
    decided = None if rng.random() < 0.2 else notified - timedelta(days=rng.randint(0, 10))
    facts = Facts(
        oqtf_decided=decided,
        departure_period=rng.random() < 0.6,
        custody=rng.choices(list(Custody), weights=(70, 15, 5, 10))[0],
        ground=rng.choices(list(OqtfGround), weights=(75, 15, 10))[0],
    )
    return (EventKind.OQTF_NOTIFIED, at), facts


def draw(rng: random.Random, territory: str, wave2: bool = True) -> tuple[list[Pair], Facts]:
    """One case's events and facts, not yet validated.

    The offsets are the procedure's usual ones with a little noise on both sides, so that a few
    draws break the chronology the domain enforces (and are drawn again).
    """
    anchor = _day(rng, FIRST_DAY, LAST_ANCHOR)
    pairs: list[Pair] = []
    filed = anchor if rng.random() < 0.8 else None
    if filed is not None:
        pairs.append((EventKind.APPLICATION_FILED, filed))
    available = None
    if filed is not None and rng.random() < 0.75:
        available = _after(rng, filed, -2, 20)
        pairs.append((EventKind.CERTIFICATE_AVAILABLE, available))
    if rng.random() < 0.1:
        pairs.append((EventKind.ASYLUM_REGISTERED, _after(rng, anchor, -90, 30)))
    for _ in range(rng.choice((0, 0, 1, 1, 2))):
        pairs.append((EventKind.OFII_REQUEST, _after(rng, anchor, 15, 150)))
    for _ in range(rng.choice((0, 0, 0, 1, 1))):
        pairs.append((EventKind.COLLEGE_REQUEST, _after(rng, anchor, 30, 200)))
    if available is not None and rng.random() < 0.55:
        pairs.append((EventKind.CERTIFICATE_RECEIVED, _after(rng, available, -1, 45)))
    refusal = None
    if rng.random() < 0.3:
        refusal = _after(rng, anchor, 60, 400)
        pairs.append((EventKind.REFUSAL_NOTIFIED, refusal))
    facts = Facts()
    oqtf_day = None
    if rng.random() < 0.3:
        oqtf, facts = _oqtf(rng, anchor, refusal)
        pairs.append(oqtf)
        oqtf_day = oqtf[1].date() if isinstance(oqtf[1], datetime) else oqtf[1]
    outcome, residence = LegalAidOutcome.GRANTED, Residence.LOCAL
    if wave2:
        outcome, residence = _after_the_decision(rng, pairs, refusal, oqtf_day)
    if rng.random() < 0.45 or not pairs:
        pairs.append((EventKind.PERMIT_EXPIRES, _after(rng, anchor, -30, 400)))
    channel = rng.choice((None, None, Channel.ANEF, Channel.COUNTER))
    return pairs, Facts(
        territory=territory,
        appeal_info=rng.random() < 0.9,
        channel=channel,
        oqtf_decided=facts.oqtf_decided,
        departure_period=facts.departure_period,
        custody=facts.custody,
        ground=facts.ground,
        legal_aid_outcome=outcome,
        residence=residence,
    )


def _after_the_decision(
    rng: random.Random, pairs: list[Pair], refusal: date | None, oqtf: date | None
) -> tuple[LegalAidOutcome, Residence]:
    """Wave 2 (issue 16): most people ask for legal aid after a refusal or an OQTF; some write
    a recours gracieux, are placed in rétention, or get a judgment; a few live overseas or
    abroad. Appended to `pairs`; the legal-aid outcome and the residence returned."""
    outcome = LegalAidOutcome.GRANTED
    decision = oqtf or refusal
    if decision is None:
        return outcome, Residence.LOCAL
    if rng.random() < 0.6:
        asked = _after(rng, decision, 0, 40)
        pairs.append((EventKind.LEGAL_AID_REQUESTED, asked))
        if rng.random() < 0.7:
            decided = _after(rng, asked, 20, 120)
            pairs.append((EventKind.LEGAL_AID_DECIDED, decided))
            outcome = rng.choices(list(LegalAidOutcome), weights=(70, 20, 5, 5))[0]
            if outcome is LegalAidOutcome.GRANTED and rng.random() < 0.5:
                pairs.append((EventKind.LAWYER_DESIGNATED, _after(rng, decided, 0, 30)))
    if refusal is not None and oqtf is None and rng.random() < 0.2:
        pairs.append((EventKind.RECOURS_RECEIVED, _after(rng, refusal, 5, 60)))
    if oqtf is not None and rng.random() < 0.05:
        placed = datetime.combine(_after(rng, oqtf, 1, 40), time(rng.randint(6, 20), 0))
        pairs.append((EventKind.RETENTION_NOTIFIED, placed))
    if rng.random() < 0.1:
        pairs.append((EventKind.JUDGMENT_NOTIFIED, _after(rng, decision, 120, 400)))
    residence = rng.choices(list(Residence), weights=(94, 4, 2))[0]
    return outcome, residence


def _in_range(pairs: list[Pair], facts: Facts) -> bool:
    days = [(d.date() if isinstance(d, datetime) else d) for _, d in pairs]
    if facts.oqtf_decided is not None:
        days.append(facts.oqtf_decided)
    return all(FIRST_DAY <= d <= LAST_DAY for d in days)


def generate(n: int, path: Path, seed: int = DEFAULT_SEED, wave2: bool = True) -> Stats:
    """Write `n` valid cases into a new caseload at `path` (refused if the file exists);
    `wave2=False`: without the events of wave 2, a caseload as a tool before issue 16 kept."""
    if path.exists():
        raise SystemExit(f"{path} exists: the generator writes a new caseload only")
    started = clock.perf_counter()
    rng = random.Random(seed)
    codes = list(all_territory_codes())
    rng.shuffle(codes)
    stats = Stats(seed=seed)
    invalid: Counter[str] = Counter()
    events: Counter[str] = Counter()
    days: list[date] = []
    connection = connect(path)
    try:
        with connection.write():
            for index in range(n):
                territory = codes[index % len(codes)]  # every code once per len(codes) cases
                for _ in range(MAX_DRAWS):
                    pairs, facts = draw(rng, territory, wave2)
                    if not _in_range(pairs, facts):
                        stats.redraws_out_of_range += 1
                        continue
                    try:
                        case = make_case(pairs, facts)
                    except InputError as error:
                        invalid[error.key] += 1
                        continue
                    break
                else:
                    raise RuntimeError(f"case {index}: no valid draw in {MAX_DRAWS}")
                insert(connection, REF_FORMAT.format(index), case, SOURCE)
                events.update(e.kind.value for e in case.events)
                stats.timed_oqtf += sum(e.time is not None for e in case.events)
                days.extend(e.at for e in case.events)
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # one self-contained file
    finally:
        connection.close()
    stats.cases = n
    stats.redraws_invalid = dict(sorted(invalid.items()))
    stats.events = dict(sorted(events.items()))
    stats.territories = min(n, len(codes))
    stats.first_day = min(days).isoformat() if days else ""
    stats.last_day = max(days).isoformat() if days else ""
    stats.seconds = round(clock.perf_counter() - started, 3)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__)
    parser.add_argument("n", type=int, help="number of cases")
    parser.add_argument("db", type=Path, help="caseload file to create (must not exist)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    stats = generate(args.n, args.db, args.seed)
    report = {**asdict(stats), "redraws": stats.redraws}
    text = json.dumps(report, indent=2, ensure_ascii=False)
    sys.stdout.write(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
