"""`deadlines import FILE.csv`: every row checked first, every error listed, all rows or none."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.caseload.helpers import as_json, deadlines, dump, ok, rows

AS_OF = ("--as-of", "2025-03-05")


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _case(db: Path, ref: str) -> dict[str, Any]:
    doc = as_json(db, "case", "show", ref, *AS_OF)
    case: dict[str, Any] = doc["case"]
    return case


def test_a_good_file_imports_every_row(db: Path, tmp_path: Path) -> None:
    """Excel in French: `;`, a BOM, DD/MM/YYYY; a repeated event with `|`; an OQTF with its
    time and facts. Then a second file: `,`, ISO dates, CRLF, quoted cells, a blank line."""
    semicolons = _write(
        tmp_path / "excel.csv",
        "\ufeffref;territory;application-filed;ofii-request;oqtf-notified;oqtf-decided;"
        "departure-period;custody;oqtf-ground;appeal-info;channel\n"
        "IMP-1;974;15/01/2025;01/02/2025|10/02/2025;;;;;;;anef\n"
        "IMP-2;93;20/01/2025;;04/03/2025 10:30;01/03/2025;non;retention;3;oui;\n",
    )
    result = ok(db, "import", semicolons)
    assert "2 dossier(s) importé(s). Fichier lu en UTF-8." in result.stderr
    commas = _write(
        tmp_path / "plain.csv",
        "ref,territory,application-filed,certificate-available,permit-expires\r\n"
        "IMP-3,2A,2025-01-15,2025-01-17,2025-12-31\r\n"
        '"IMP 4",971,2025-02-01,,\r\n'
        "\r\n",
    )
    ok(db, "import", commas)
    assert rows(db, "SELECT ref, territory FROM cases ORDER BY ref") == [
        ("IMP 4", "971"),
        ("IMP-1", "974"),
        ("IMP-2", "93"),
        ("IMP-3", "2A"),
    ]

    one = _case(db, "IMP-1")
    assert [(e["event"], e["at"]) for e in one["events"]] == [
        ("application-filed", "2025-01-15"),
        ("ofii-request", "2025-02-01"),
        ("ofii-request", "2025-02-10"),
    ]
    assert one["facts"]["channel"] == "anef"
    two = _case(db, "IMP-2")
    oqtf = next(e for e in two["events"] if e["event"] == "oqtf-notified")
    assert (oqtf["at"], oqtf["time"]) == ("2025-03-04", "10:30")
    assert two["facts"] == {
        "appeal-info": True,
        "channel": None,
        "oqtf-decided": "2025-03-01",
        "departure-period": False,
        "custody": "retention",
        "oqtf-ground": "3",
        "legal-aid-outcome": "granted",
        "residence": "local",
        "judgment-appeal-info": True,
    }
    deadlines_of_two = as_json(db, "case", "show", "IMP-2", "--as-of", "2025-03-05 09:00")
    appeal = next(d for d in deadlines_of_two["deadlines"] if d["rule"] == "oqtf-appeal")
    assert appeal["due"] == "2025-03-06T10:30:00+01:00"  # 48 hours from the notification
    three = _case(db, "IMP-3")
    assert [(e["event"], e["at"]) for e in three["events"]] == [
        ("application-filed", "2025-01-15"),
        ("certificate-available", "2025-01-17"),
        ("permit-expires", "2025-12-31"),
    ]
    # The events remember where they came from, and the log has one line per case.
    assert rows(db, "SELECT DISTINCT source FROM events") == [("import",)]
    assert rows(db, "SELECT count(*) FROM changes WHERE what = 'case:add'") == [(4,)]


ERRORS = (
    "ref,territory,application-filed,ofii-request,colour\n"
    "OK-1,75,15/01/2025,,blue\n"  # 2: fine
    "BAD-DATE,75,31/02/2025,,\n"  # 3
    "DUP,75,15/01/2025,,\n"  # 4: fine
    "DUP,75,16/01/2025,,\n"  # 5: duplicate of line 4
    "EXISTING,75,15/01/2025,,\n"  # 6: already in the database
    "SHORT,75\n"  # 7: two cells
    "OLD,75,15/01/1999,,\n"  # 8: outside the supported years
    "BAD-REQ,75,15/01/2025,01/02/2025|2025-13-01,\n"  # 9: one of two dates is wrong
    "BAD-TERR,20,15/01/2025,,\n"  # 10: Corsica is 2A or 2B
)


def test_a_file_with_errors_lists_each_with_line_and_column_and_imports_nothing(
    db: Path, tmp_path: Path
) -> None:
    ok(db, "case", "add", "EXISTING", "--filed", "10/01/2025", *AS_OF)
    before = dump(db)
    result = deadlines(db, "import", _write(tmp_path / "errors.csv", ERRORS))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    expected = [
        ("ligne 1, colonne « colour » : ", "colonne inconnue « colour »"),
        ("ligne 3, colonne « application-filed » : ", "« 31/02/2025 » n'existe pas"),
        ("ligne 5, colonne « ref » : ", "« DUP » apparaît déjà ligne 4"),
        ("ligne 6, colonne « ref » : ", "« EXISTING » existe déjà"),
        ("ligne 7 : ", "2 cellules, pas autant que de colonnes"),
        ("ligne 8, colonne « application-filed » : ", "2000–2050"),
        ("ligne 9, colonne « ofii-request » : ", "2025-13-01"),
        ("ligne 10, colonne « territory » : ", "2A"),
    ]
    assert len(lines) == len(expected) + 1, result.stderr
    for line, (start, fragment) in zip(lines, expected, strict=False):
        assert line.startswith(start), (line, start)
        assert fragment in line, (line, fragment)
    assert lines[-1] == "erreur : import : 8 erreur(s) ; rien n'a été importé."
    assert dump(db) == before


def test_a_date_outside_the_supported_years_is_an_error_on_its_own(
    db: Path, tmp_path: Path
) -> None:
    ok(db, "case", "add", "P-1", "--filed", "10/01/2025", *AS_OF)
    before = dump(db)
    for day in ("31/12/1999", "2051-01-01"):
        path = _write(tmp_path / "old.csv", f"ref,territory,application-filed\nX,75,{day}\n")
        result = deadlines(db, "import", path)
        assert result.exit_code == 2
        assert "ligne 2, colonne « application-filed »" in result.stderr
        assert "2000–2050" in result.stderr
        assert dump(db) == before


def test_too_many_errors_are_counted_and_the_first_twenty_listed(db: Path, tmp_path: Path) -> None:
    body = "".join(f"R{n},75,99/99/2025\n" for n in range(30))
    result = deadlines(
        db, "import", _write(tmp_path / "bad.csv", "ref,territory,application-filed\n" + body)
    )
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 21
    assert lines[0].startswith("ligne 2, ")
    assert lines[19].startswith("ligne 21, ")
    assert lines[-1] == "erreur : import : 30 erreur(s) ; rien n'a été importé."


FILE_ERRORS = {
    "no-header": (b"IMP-1,75,15/01/2025\n", "colonne obligatoire « ref » absente"),
    "no-territory-column": (b"ref,application-filed\nX,15/01/2025\n", "« territory » absente"),
    "empty": (b"", "il faut une ligne d'en-tête"),
    "blank-first-line": (b"\n\nref,territory\n", "il faut une ligne d'en-tête"),
    "unclosed-quote": (
        b'ref,territory\nA,75\n"IMP-1,75\n',
        "mal formé à la ligne 3 : un guillemet n'est pas fermé",  # never csv's English words
    ),
    "text-after-quote": (b'ref,territory\nA,75\nB,75\n"IMP-1"x,75\n', "mal formé à la ligne 4"),
    # Read as Windows-1252 when not UTF-8 (test_import_excel.py), but 0x81 is in neither.
    "neither-utf8-nor-cp1252": (b"ref,territory\nDossier-\x81,75\n", "ligne 2"),
}


@pytest.mark.parametrize(("content", "fragment"), FILE_ERRORS.values(), ids=FILE_ERRORS.keys())
def test_a_malformed_file_exits_2_and_imports_nothing(
    db: Path, tmp_path: Path, content: bytes, fragment: str
) -> None:
    ok(db, "case", "add", "P-1")
    before = dump(db)
    path = tmp_path / "in.csv"
    path.write_bytes(content)
    result = deadlines(db, "import", path)
    assert result.exit_code == 2, result.stderr
    assert fragment in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("erreur : ")
    assert dump(db) == before


def test_a_missing_file_exits_2(db: Path, tmp_path: Path) -> None:
    result = deadlines(db, "import", tmp_path / "nowhere.csv")
    assert result.exit_code == 2
    assert "fichier introuvable" in result.stderr


def test_a_header_alone_imports_nothing_without_error(db: Path, tmp_path: Path) -> None:
    result = ok(db, "import", _write(tmp_path / "h.csv", "ref,territory,application-filed\n"))
    assert "0 dossier(s) importé(s). Fichier lu en UTF-8." in result.stderr
