"""Issue 14, items 5, 6 and 11 in `compute` and `case show`: each warning listed once, an unknown
OQTF regime said on the row, and words a hospital social worker understands without a lawyer."""

from __future__ import annotations

import io
import re

import pytest
from typer.testing import CliRunner

from cli import app
from deadlines.engine import compute
from deadlines.entered import build_case
from rendering.table import render_table

runner = CliRunner()
WIDE = {"COLUMNS": "300"}

DEMO = [
    "--filed",
    "05/10/2026",
    "--certificate-available",
    "07/10/2026",
    "--ofii-request",
    "16/11/2026",
    "--permit-expires",
    "31/03/2027",
    "--territory",
    "57",
    "--as-of",
    "23/11/2026",
]
UNKNOWN_REGIME = [
    "--oqtf-notified",
    "2026-03-27T10:30",
    "--custody",
    "house-arrest",
    "--no-departure-period",
    "--as-of",
    "2026-03-27T12:00",
]
# The renewal window opens before 31 July 2024: the channel is unknown, and both of its rows
# carry the same warning.
EARLY_RENEWAL = ["--permit-expires", "31/03/2024", "--as-of", "2023-11-01"]
CHANNEL = {"fr": "Mode de dépôt inconnu (--channel)", "en": "Filing channel unknown (--channel)"}


def compute_out(*args: str, columns: str = "300") -> str:
    result = runner.invoke(app, ["compute", *args], env={"COLUMNS": columns})
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


# --- 5. an identical warning is listed once, with the rows it concerns --------------------------


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_identical_warning_is_listed_once(lang: str) -> None:
    out = compute_out(*EARLY_RENEWAL, "--lang", lang)
    assert out.count(CHANNEL[lang]) == 1, out
    (line,) = [line for line in out.splitlines() if CHANNEL[lang] in line]
    assert line.lstrip().startswith("*1"), line
    table = out.split("Avertissements" if lang == "fr" else "Warnings")[0]
    marked = [line for line in table.splitlines() if "*1" in line]
    assert len(marked) == 2, table  # each row that has it says so


# --- 6. an unknown regime, said on the row before the date -------------------------------------


@pytest.mark.parametrize("columns", ["60", "80", "120", "300"])
def test_an_unknown_regime_is_said_on_the_row_before_the_safe_date(columns: str) -> None:
    out = compute_out(*UNKNOWN_REGIME, columns=columns)
    rows = out.split("Avertissements")[0]
    # The flag may wrap between its two halves, never inside the date.
    assert "régime inconnu :" in rows and "indiquez --oqtf-decided" in rows, out
    assert " ".join(rows.split()).count("régime inconnu") == 1
    lines = rows.splitlines()
    flagged = next(i for i, line in enumerate(lines) if "régime inconnu" in line)
    dated = next(i for i, line in enumerate(lines) if "dimanche 29 mars 2026" in line)
    assert flagged <= dated
    if flagged == dated:
        assert lines[flagged].index("régime inconnu") < lines[dated].index("dimanche 29 mars")
    english = compute_out(*UNKNOWN_REGIME, "--lang", "en", columns=columns)
    assert "regime unknown:" in english.split("Warnings")[0]
    assert "give --oqtf-decided" in english.split("Warnings")[0]


def test_a_known_regime_says_nothing_of_the_kind() -> None:
    out = compute_out(*UNKNOWN_REGIME, "--oqtf-decided", "26/03/2026")
    assert "régime inconnu" not in out


# --- 11. words for non-lawyers ------------------------------------------------------------------

JARGON = [
    "Base (sûreté)",
    "(dominant)",
    "(incertain (à vérifier))",
    "quantième",
    "@application-filed",
    "@certificate-available",
    "[strict",
    "[extended",
    "[franc",
    "+disputed-holidays",
    "month(s)",
    "Basis (certainty)",
    "(prevailing)",
    "open (to be checked)",
]


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize(
    "args",
    [
        DEMO,
        UNKNOWN_REGIME,
        ["--refusal-notified", "2025-03-03", "--no-appeal-info", "--as-of", "2025-03-10"],
        ["--filed", "31/01/2025", "--as-of", "2025-02-01"],  # a month without day 31
    ],
    ids=["demo", "unknown-regime", "refusal", "clamp"],
)
def test_no_jargon_in_the_table_or_the_explanation(args: list[str], lang: str) -> None:
    out = compute_out(*args, "--explain", "--lang", lang)
    for phrase in JARGON:
        assert phrase not in out, (phrase, lang)


def test_english_says_the_end_date_in_english() -> None:
    out = compute_out(*DEMO, "--explain", "--lang", "en")
    assert "the day after the normal end date" in out


def test_no_french_word_in_english_reading_labels() -> None:
    out = compute_out(*DEMO, "--explain", "--lang", "en")
    assert "the échéance" not in out


def test_the_certainty_of_each_deadline_stays_visible_in_plain_words() -> None:
    out = compute_out(*DEMO)
    assert "(contesté)" in out
    assert "(généralement admis)" in out
    assert "(certain)" in out
    june = compute_out("--oqtf-notified", "2026-07-01T10:30", "--departure-period")
    assert "(à vérifier)" in june
    assert "À VÉRIFIER :" in june  # the warning of an OPEN rule says it in the same words


def test_months_are_counted_in_plain_english() -> None:
    out = compute_out("--filed", "15/01/2025", "--as-of", "2025-02-01", "--explain", "--lang", "en")
    assert "+ 1 month, same day of the month" in out
    assert "+ 4 months, same day of the month" in out
    french = compute_out("--filed", "15/01/2025", "--as-of", "2025-02-01", "--explain")
    assert "+ 1 mois, au même jour du mois" in french


def test_a_date_before_the_filing_is_said_in_good_french() -> None:
    result = runner.invoke(
        app, ["compute", "--filed", "05/10/2026", "--certificate-available", "01/10/2026"]
    )
    assert result.exit_code == 2
    assert "est antérieur au dépôt de la demande (lundi 5 octobre 2026)" in result.stderr
    english = runner.invoke(
        app,
        [
            "compute",
            "--filed",
            "05/10/2026",
            "--certificate-available",
            "01/10/2026",
            "--lang",
            "en",
        ],
    )
    assert "is before the filing of the application (Monday 5 October 2026)" in english.stderr


def test_the_explanation_names_the_trigger_of_its_row() -> None:
    """The certificate's safe date counts from the filing (5 October), the row says so; the
    explanation's heading said « certificat médical mis à disposition » (7 October)."""
    out = compute_out(*DEMO, "--explain")
    assert "(dépôt de la demande : 05/10/2026)" in out
    heading = next(
        line for line in out.splitlines() if "Envoyer le certificat" in line and "—" in line
    )
    assert "dépôt de la demande, lundi 5 octobre 2026" in heading, heading
    assert "mis à disposition" not in heading


def test_case_show_gives_the_rule_id_that_case_done_expects() -> None:
    case = build_case({"application-filed": ["05/10/2026"], "permit-expires": ["31/03/2027"]})
    computation = compute(case, as_of=__import__("datetime").date(2026, 11, 23))
    out = io.StringIO()
    render_table(computation, "fr", False, out, case_ref="P-014")
    text = out.getvalue()
    assert re.search(r"règle : certificate\b", text), text
    assert re.search(r"règle : renewal-closes\b", text)
    assert "deadlines case done P-014 certificate" in text
    plain = io.StringIO()
    render_table(computation, "fr", False, plain)  # compute: no case, no rule ids
    assert "règle :" not in plain.getvalue()
