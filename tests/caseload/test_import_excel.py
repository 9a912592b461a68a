"""`deadlines import` of a CSV saved by Excel in French (issue 14, item 9): Windows-1252, French
column headers, a department written `1`, empty trailing columns, an empty territory, standard
input."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from caseload.csv_import import ACCEPTED, REF_ALIASES, column_id
from cli import app
from deadlines.inputs import INPUTS
from tests.caseload.helpers import WIDE, as_json, deadlines, dump, ok, rows, store_exists

AS_OF = ("--as-of", "2025-03-05")


def _file(tmp_path: Path, content: str | bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def _stdin(db: Path, data: bytes, *args: str) -> Result:
    return CliRunner().invoke(
        app, ["import", "-", *args, "--db", str(db)], input=data, env=WIDE, catch_exceptions=False
    )


def _events(db: Path, ref: str) -> list[tuple[str, str]]:
    case = as_json(db, "case", "show", ref, *AS_OF)["case"]
    return [(e["event"], e["at"]) for e in case["events"]]


def _refused(result: Result, *fragments: str) -> list[str]:
    """Exit 2, nothing on stdout, the problems on stderr (each fragment in one of them)."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    for fragment in fragments:
        assert any(fragment in line for line in lines), (fragment, result.stderr)
    return lines


# --- encodings -----------------------------------------------------------------------------

EXCEL_FR = (
    "Référence;Département;Date de dépôt;Demande OFII\r\n"
    "Dossier-é;93;15/01/2025;01/02/2025\r\n"
    "Œuvre-2;57;20/01/2025;\r\n"
)


def test_a_windows_1252_file_is_read_and_the_summary_says_so(db: Path, tmp_path: Path) -> None:
    result = ok(db, "import", _file(tmp_path, EXCEL_FR.encode("cp1252")))
    assert "2 dossier(s) importé(s)" in result.stderr
    assert "Windows-1252" in result.stderr
    assert rows(db, "SELECT ref, territory FROM cases ORDER BY ref") == [
        ("Dossier-é", "93"),
        ("Œuvre-2", "57"),
    ]
    assert _events(db, "Dossier-é") == [
        ("application-filed", "2025-01-15"),
        ("ofii-request", "2025-02-01"),
    ]


@pytest.mark.parametrize("bom", ["", "\ufeff"], ids=["no-bom", "bom"])
def test_a_utf8_file_is_read_as_utf8_and_the_summary_says_so(
    db: Path, tmp_path: Path, bom: str
) -> None:
    result = ok(db, "import", _file(tmp_path, bom + EXCEL_FR))
    assert "UTF-8" in result.stderr
    assert "Windows-1252" not in result.stderr
    assert rows(db, "SELECT ref FROM cases ORDER BY ref") == [("Dossier-é",), ("Œuvre-2",)]


def test_a_byte_neither_utf8_nor_windows_1252_names_its_line(db: Path, tmp_path: Path) -> None:
    """0x81 is undefined in Windows-1252: one line with the line number and the way out, never
    Python's decoding message with its byte offset."""
    ok(db, "case", "add", "P-1")
    before = dump(db)
    content = b"ref;territory\nA-1;75\nB-\x81;75\n"
    result = deadlines(db, "import", _file(tmp_path, content))
    (line,) = _refused(result, "ligne 3", "UTF-8")
    assert "CSV UTF-8" in line
    assert "position" not in line and "codec" not in line and "0x" not in line
    assert dump(db) == before


def test_a_file_mixing_utf8_and_windows_1252_is_refused(db: Path, tmp_path: Path) -> None:
    """UTF-8 accents on one line and a Windows-1252 one on another: reading it either way would
    garble some references; refused with the line of the first byte that is not UTF-8."""
    content = "ref;territory\nDossier-é;75\n".encode() + "Dossier-è;75\n".encode("cp1252")
    result = deadlines(db, "import", _file(tmp_path, content))
    _refused(result, "ligne 3", "CSV UTF-8")
    assert not store_exists(db)


def test_a_utf16_file_is_refused_with_the_way_out(db: Path, tmp_path: Path) -> None:
    content = "ref\tterritory\nA-1\t75\n".encode("utf-16")
    result = deadlines(db, "import", _file(tmp_path, content), "--lang", "en")
    (line,) = _refused(result, "UTF-16", "CSV UTF-8")
    assert line.startswith("error: ")


# --- French column headers -------------------------------------------------------------------


def test_french_headers_are_aliases_of_the_spec_ids(db: Path, tmp_path: Path) -> None:
    """Case, accents, surrounding and repeated spaces, typographic apostrophes are ignored."""
    header = (
        "  REFERENCE ;departement;Date  de dépôt;demande ofii;Demande du collège;"
        "Certificat disponible;OQTF notifiée;Date de l’arrêté;Délai de départ;Situation;"
        "Fondement;Voies et délais;Expiration du titre;Canal"
    )
    row = (
        "F-1;974;15/01/2025;01/02/2025|10/02/2025;03/02/2025;17/01/2025;"
        "04/03/2025 10:30;01/03/2025;non;retention;3;oui;31/12/2025;anef"
    )
    ok(db, "import", _file(tmp_path, f"{header}\n{row}\n"))
    case = as_json(db, "case", "show", "F-1", *AS_OF)["case"]
    assert case["territory"] == "974"
    assert [(e["event"], e["at"]) for e in case["events"]] == [
        ("application-filed", "2025-01-15"),
        ("certificate-available", "2025-01-17"),
        ("ofii-request", "2025-02-01"),
        ("ofii-request", "2025-02-10"),
        ("college-request", "2025-02-03"),
        ("oqtf-notified", "2025-03-04"),
        ("permit-expires", "2025-12-31"),
    ]
    assert case["facts"] == {
        "appeal-info": True,
        "channel": "anef",
        "oqtf-decided": "2025-03-01",
        "departure-period": False,
        "custody": "retention",
        "oqtf-ground": "3",
        "legal-aid-outcome": "granted",
        "residence": "local",
        "judgment-appeal-info": True,
    }


def test_every_input_of_the_catalogue_has_a_french_alias_and_no_name_is_ambiguous() -> None:
    names: dict[str, str] = {}
    for spec in INPUTS:
        assert spec.csv_aliases, spec.id
        for name in (spec.id, *spec.csv_aliases):
            assert column_id(name) == spec.id, name
            assert names.setdefault(name.casefold(), spec.id) == spec.id
    for name in ("ref", *REF_ALIASES):
        assert column_id(name) == "ref"
    assert {"Référence", "Ref", "Dossier"} <= set(REF_ALIASES)
    territory = next(spec for spec in INPUTS if spec.id == "territory")
    assert {"Département", "Territoire"} <= set(territory.csv_aliases)
    filed = next(spec for spec in INPUTS if spec.id == "application-filed")
    assert "Date de dépôt" in filed.csv_aliases


def test_an_unknown_column_lists_the_accepted_names_and_the_nearest(
    db: Path, tmp_path: Path
) -> None:
    result = deadlines(
        db, "import", _file(tmp_path, "Référence;Département;Date depot\nA-1;75;15/01/2025\n")
    )
    (line, last) = _refused(result, "ligne 1, colonne « Date depot »")
    assert "« Date de dépôt » ?" in line
    for name in ("ref", "Référence", "territory", "Département", "Date de dépôt", "Demande OFII"):
        assert name in line, name
    assert last == "erreur : import : 1 erreur(s) ; rien n'a été importé."
    assert not store_exists(db)  # a file with errors creates no store


def test_import_help_lists_every_accepted_column_name() -> None:
    result = CliRunner().invoke(app, ["import", "--help"], env=WIDE)
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    for column, names in ACCEPTED:
        assert column in text
        for name in names:
            assert name in text, name
    for word in ("Windows-1252", "--update", "10 Mo"):
        assert word in text, word


# --- cells ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("1", "01"), ("9", "09"), (" 7 ", "07"), ("10", "10")]
)
def test_a_department_written_with_one_digit_is_padded(
    db: Path, tmp_path: Path, typed: str, stored: str
) -> None:
    ok(db, "import", _file(tmp_path, f"ref;territory;application-filed\nD-1;{typed};15/01/2025\n"))
    assert rows(db, "SELECT territory FROM cases") == [(stored,)]


@pytest.mark.parametrize("typed", ["0", "00", "96", "1.0"])
def test_other_department_codes_are_still_refused(db: Path, tmp_path: Path, typed: str) -> None:
    result = deadlines(
        db, "import", _file(tmp_path, f"ref;territory;application-filed\nD-1;{typed};15/01/2025\n")
    )
    _refused(result, "ligne 2, colonne « territory »")


def test_an_empty_territory_is_an_error_never_75(db: Path, tmp_path: Path) -> None:
    """A Moselle or overseas case silently read as Paris would lose its holidays and its clock."""
    content = "ref;Département;application-filed\nT-1;57;15/01/2025\nT-2; ;15/01/2025\nT-3;;\n"
    ok(db, "case", "add", "P-1")
    before = dump(db)
    lines = _refused(
        deadlines(db, "import", _file(tmp_path, content)),
        "ligne 3, colonne « Département » : ",
        "ligne 4, colonne « Département » : ",
    )
    assert "vide" in lines[0]
    assert lines[-1] == "erreur : import : 2 erreur(s) ; rien n'a été importé."
    assert dump(db) == before
    english = deadlines(db, "import", _file(tmp_path, content), "--lang", "en")
    assert _refused(english, "line 3, column 'Département'")[0].count("empty territory") == 1


def test_excel_empty_trailing_columns_are_ignored(db: Path, tmp_path: Path) -> None:
    content = (
        "ref;territory;application-filed;;;\r\n"
        "E-1;75;15/01/2025;;;\r\n"
        "E-2;93;16/01/2025\r\n"  # a row Excel wrote without the empty cells
        ";;;;;\r\n"  # an empty row
    )
    result = ok(db, "import", _file(tmp_path, content))
    assert "2 dossier(s) importé(s)" in result.stderr
    assert rows(db, "SELECT ref FROM cases ORDER BY ref") == [("E-1",), ("E-2",)]


def test_a_value_beyond_the_named_columns_is_an_error(db: Path, tmp_path: Path) -> None:
    content = "ref;territory;application-filed;;\nE-1;75;15/01/2025;;oops\n"
    result = deadlines(db, "import", _file(tmp_path, content))
    _refused(result, "ligne 2", "« oops »")


def test_an_empty_header_between_named_columns_is_an_error(db: Path, tmp_path: Path) -> None:
    content = "ref;;territory\nE-1;x;75\n"
    _refused(deadlines(db, "import", _file(tmp_path, content)), "ligne 1", "colonne n° 2")


# --- standard input ------------------------------------------------------------------------


def test_a_dash_reads_standard_input(db: Path) -> None:
    result = _stdin(db, b"ref,territory,application-filed\nS-1,75,15/01/2025\n")
    assert result.exit_code == 0, result.stderr
    assert "1 dossier(s) importé(s)" in result.stderr
    assert rows(db, "SELECT ref FROM cases") == [("S-1",)]
    cp1252 = _stdin(db, "ref;territory\nS-é;75\n".encode("cp1252"), "--lang", "en")
    assert cp1252.exit_code == 0, cp1252.stderr
    assert "Windows-1252" in cp1252.stderr
    assert rows(db, "SELECT ref FROM cases ORDER BY ref") == [("S-1",), ("S-é",)]


def test_errors_read_from_standard_input_name_it(db: Path) -> None:
    result = _stdin(db, b"ref,territory\nS-1,75\nS-1,75\n")
    lines = _refused(result, "ligne 3, colonne « ref »")
    assert lines[-1] == "erreur : import : 1 erreur(s) ; rien n'a été importé."


def test_the_readme_lists_every_accepted_column_name() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    for column, names in ACCEPTED:
        row = f"| `{column}` | " + ", ".join(f"« {name} »" for name in names) + " |"
        assert row in readme.splitlines(), row
