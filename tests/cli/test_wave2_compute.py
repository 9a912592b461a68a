"""Wave 2 options of `deadlines compute` through Typer's CliRunner: every new event and fact is
taken in French and ISO forms, and what cannot be true is one line naming the option, exit 2,
nothing on standard output."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cli import app

runner = CliRunner()
WIDE = {"COLUMNS": "300"}
AS_OF = ("--as-of", "2025-07-01")
OQTF = ("--oqtf-notified", "03/03/2025 10:00", "--departure-period")
LEGAL_AID = ("--legal-aid-requested", "10/03/2025", "--legal-aid-decided", "01/04/2025")
RECOURS = ("--recours-received", "12/03/2025")


def run(*args: str) -> Result:
    return runner.invoke(app, ["compute", *args], catch_exceptions=False, env=WIDE)


def one_line_error(result: Result, *fragments: str, lang: str = "fr") -> str:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("erreur : " if lang == "fr" else "error: "), lines[0]
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def case_of(*args: str) -> dict[str, Any]:
    result = run(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    case: dict[str, Any] = json.loads(result.stdout)["case"]
    return case


def test_every_new_event_and_fact_is_taken_in_french_and_iso_forms() -> None:
    case = case_of(
        "--refusal-notified",
        "03/03/2025",
        "--legal-aid-requested",
        "10/03/2025",
        "--legal-aid-decided",
        "2025-04-01",
        "--lawyer-designated",
        "02/04/2025",
        "--legal-aid-outcome",
        "provisional",
        "--recours-received",
        "2025-03-20",
        "--recours-received",
        "12/03/2025",
        "--recours-rejected",
        "15/04/2025",
        "--motives-requested",
        "05/03/2025",
        "--motives-communicated",
        "2025-03-20",
        "--items-requested",
        "10/01/2025",
        "--items-provided",
        "2025-01-25",
        "--judgment-notified",
        "02/06/2025",
        "--no-judgment-appeal-info",
        "--residence",
        "overseas",
        *AS_OF,
    )
    events = [(e["event"], e["at"], e["rank"]) for e in case["events"]]
    assert ("legal-aid-decided", "2025-04-01", 0) in events
    assert ("lawyer-designated", "2025-04-02", 0) in events
    assert ("recours-received", "2025-03-12", 0) in events
    assert ("recours-received", "2025-03-20", 1) in events
    assert ("judgment-notified", "2025-06-02", 0) in events
    assert len([e for e in events if e[0] != "recours-rejection-born"]) == 12
    facts = case["facts"]
    assert facts["legal-aid-outcome"] == "provisional"
    assert facts["residence"] == "overseas"
    assert facts["judgment-appeal-info"] is False


@pytest.mark.parametrize("option", ["--house-arrest-notified", "--retention-notified"])
def test_a_placement_takes_its_local_time(option: str) -> None:
    case = case_of(*OQTF, option, "18/03/2025 10h30", *AS_OF)
    (placement,) = [e for e in case["events"] if e["event"] == option.removeprefix("--")]
    assert (placement["at"], placement["time"]) == ("2025-03-18", "10:30")


BAD_VALUES = {
    "legal-aid-date": (["--legal-aid-requested", "31/02/2025"], "--legal-aid-requested"),
    "legal-aid-us-date": (["--legal-aid-requested", "04/13/2025"], "--legal-aid-requested"),
    "decided-two-digit-year": (
        ["--legal-aid-requested", "10/03/2025", "--legal-aid-decided", "01/04/25"],
        "--legal-aid-decided",
    ),
    "recours-slashes": (["--recours-received", "2025/03/04"], "--recours-received"),
    "judgment-word": (["--judgment-notified", "hier"], "--judgment-notified"),
    "retention-hour": ([*OQTF, "--retention-notified", "18/03/2025 25:00"], "--retention-notified"),
    "house-arrest-format": (
        [*OQTF, "--house-arrest-notified", "18/03/2025 à 10:00"],
        "--house-arrest-notified",
    ),
    "outcome": (
        [*LEGAL_AID, "--legal-aid-outcome", "admis"],
        "--legal-aid-outcome : « admis » n'est pas accepté. Valeurs acceptées : granted",
    ),
    "residence": (
        ["--filed", "15/01/2025", "--residence", "outre-mer"],
        "--residence : « outre-mer » n'est pas accepté. Valeurs acceptées : local",
    ),
    "timed-date-only-event": (["--judgment-notified", "02/06/2025 10:00"], "--judgment-notified"),
}


@pytest.mark.parametrize(("args", "fragment"), BAD_VALUES.values(), ids=BAD_VALUES.keys())
def test_a_bad_value_is_one_line_naming_the_option(args: list[str], fragment: str) -> None:
    one_line_error(run(*args, *AS_OF), fragment)


# Each validation of rules.md's new events: (options, what the one line says).
REFUSED = {
    "decided-without-request": (
        ["--refusal-notified", "03/03/2025", "--legal-aid-decided", "01/04/2025"],
        "--legal-aid-decided : le dossier n'a pas de demande d'aide juridictionnelle ; donnez "
        "aussi --legal-aid-requested",
    ),
    "decided-before-request": (
        ["--legal-aid-requested", "10/03/2025", "--legal-aid-decided", "09/03/2025"],
        "--legal-aid-decided : dimanche 9 mars 2025 est antérieur à la demande d'aide "
        "juridictionnelle (lundi 10 mars 2025)",
    ),
    "lawyer-without-request": (
        ["--lawyer-designated", "01/04/2025"],
        "--lawyer-designated : le dossier n'a pas de demande d'aide juridictionnelle",
    ),
    "lawyer-before-request": (
        ["--legal-aid-requested", "10/03/2025", "--lawyer-designated", "2025-03-01"],
        "--lawyer-designated : samedi 1er mars 2025 est antérieur à la demande d'aide",
    ),
    "outcome-without-decision": (
        ["--legal-aid-requested", "10/03/2025", "--legal-aid-outcome", "refused"],
        "--legal-aid-outcome décrit la décision du bureau d'aide juridictionnelle : donnez "
        "aussi --legal-aid-decided",
    ),
    "rejection-without-recours": (
        ["--refusal-notified", "03/03/2025", "--recours-rejected", "01/04/2025"],
        "--recours-rejected : le dossier n'a pas de recours gracieux ou hiérarchique",
    ),
    "rejection-before-recours": (
        ["--recours-received", "12/03/2025", "--recours-rejected", "11/03/2025"],
        "--recours-rejected : mardi 11 mars 2025 est antérieur à la réception du recours "
        "(mercredi 12 mars 2025)",
    ),
    "more-rejections-than-recours": (
        [*RECOURS, "--recours-rejected", "15/03/2025", "--recours-rejected", "18/03/2025"],
        "--recours-rejected : 2 rejets pour 1 recours reçu(s)",
    ),
    "motives-without-request": (
        ["--motives-communicated", "01/04/2025"],
        "--motives-communicated : le dossier n'a pas de demande des motifs ; donnez aussi "
        "--motives-requested",
    ),
    "motives-before-request": (
        ["--motives-requested", "01/04/2025", "--motives-communicated", "31/03/2025"],
        "--motives-communicated : lundi 31 mars 2025 est antérieur à la demande des motifs",
    ),
    "items-without-request": (
        ["--filed", "15/01/2025", "--items-provided", "01/04/2025"],
        "--items-provided : le dossier n'a pas de demande de pièces de la préfecture",
    ),
    "items-before-request": (
        ["--items-requested", "01/04/2025", "--items-provided", "31/03/2025"],
        "--items-provided : lundi 31 mars 2025 est antérieur à la demande de pièces",
    ),
    "house-arrest-without-oqtf": (
        ["--refusal-notified", "03/03/2025", "--house-arrest-notified", "18/03/2025 10:00"],
        "--house-arrest-notified : une assignation à résidence ou une rétention notifiée après "
        "l'OQTF suppose l'OQTF : donnez aussi --oqtf-notified",
    ),
    "retention-without-oqtf": (
        ["--retention-notified", "18/03/2025"],
        "--retention-notified : une assignation",
    ),
    "house-arrest-before-oqtf": (
        [*OQTF, "--house-arrest-notified", "2025-03-02T10:00"],
        "--house-arrest-notified : dimanche 2 mars 2025 est antérieur à la notification de "
        "l'OQTF (lundi 3 mars 2025)",
    ),
    "retention-before-oqtf-the-same-day": (
        [*OQTF, "--retention-notified", "03/03/2025 09:59"],
        "--retention-notified : lundi 3 mars 2025 à 09:59 est antérieur à la notification de "
        "l'OQTF (le même jour à 10:00)",
    ),
    "judgment-before-refusal": (
        ["--refusal-notified", "03/03/2025", "--judgment-notified", "28/02/2025"],
        "--judgment-notified : vendredi 28 février 2025 est antérieur à la notification du refus",
    ),
    "judgment-before-oqtf": (
        [*OQTF, "--judgment-notified", "28/02/2025"],
        "--judgment-notified : vendredi 28 février 2025 est antérieur à la notification de l'OQTF",
    ),
    "judgment-appeal-info-without-judgment": (
        ["--refusal-notified", "03/03/2025", "--no-judgment-appeal-info"],
        "--judgment-appeal-info/--no-judgment-appeal-info décrit la notification du jugement : "
        "donnez aussi --judgment-notified",
    ),
    "decision-notified-ahead": (
        ["--legal-aid-requested", "10/03/2025", "--legal-aid-decided", "02/07/2025"],
        "--legal-aid-decided : notifié le mercredi 2 juillet 2025, après la date de référence",
    ),
    "judgment-notified-ahead": (
        ["--refusal-notified", "03/03/2025", "--judgment-notified", "02/07/2025"],
        "--judgment-notified : notifié le",
    ),
    "retention-notified-later-today": (
        [*OQTF, "--retention-notified", "01/07/2025 12:01", "--as-of", "01/07/2025 12:00"],
        "--retention-notified : notifié le mardi 1er juillet 2025",
    ),
}


@pytest.mark.parametrize(("args", "fragment"), REFUSED.values(), ids=REFUSED.keys())
def test_what_cannot_be_true_is_one_line_exit_2(args: list[str], fragment: str) -> None:
    as_of = [] if "--as-of" in args else list(AS_OF)
    one_line_error(run(*args, *as_of), fragment)


def test_the_refusals_are_said_in_english_too() -> None:
    line = one_line_error(
        run("--legal-aid-decided", "01/04/2025", "--lang", "en", *AS_OF),
        "--legal-aid-decided: the case has no legal-aid request; also give "
        "--legal-aid-requested (the date the request reached the bureau d'aide "
        "juridictionnelle).",
        lang="en",
    )
    assert line.startswith("error: ")
    one_line_error(
        run(*OQTF, "--retention-notified", "03/03/2025 09:59", "--lang", "en", *AS_OF),
        "--retention-notified: Monday 3 March 2025 at 09:59 is before the notification of the "
        "OQTF (the same day at 10:00)",
        lang="en",
    )
    one_line_error(
        run("--residence", "nowhere", "--filed", "15/01/2025", "--lang", "en", *AS_OF),
        "--residence: 'nowhere' is not accepted. Accepted values: local",
        lang="en",
    )


def test_a_step_dated_ahead_is_a_warning_then_the_result() -> None:
    result = run("--refusal-notified", "03/03/2025", "--recours-received", "10/07/2025", *AS_OF)
    assert result.exit_code == 0, result.stderr
    assert "attention : --recours-received : le jeudi 10 juillet 2025 est dans le futur" in (
        result.stderr
    )
    quiet = run(
        "--refusal-notified",
        "03/03/2025",
        "--recours-received",
        "10/07/2025",
        "--accept-unlikely",
        *AS_OF,
    )
    assert quiet.exit_code == 0 and "attention" not in quiet.stderr


def test_compute_help_lists_every_new_option_in_french() -> None:
    result = runner.invoke(app, ["compute", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in (
        "--legal-aid-requested",
        "--legal-aid-decided",
        "--lawyer-designated",
        "--legal-aid-outcome",
        "--recours-received",
        "--recours-rejected",
        "--motives-requested",
        "--motives-communicated",
        "--items-requested",
        "--items-provided",
        "--house-arrest-notified",
        "--retention-notified",
        "--judgment-notified",
        "--judgment-appeal-info",
        "--no-judgment-appeal-info",
        "--residence",
    ):
        assert option in result.stdout, option
    assert "première présentation" in result.stdout
