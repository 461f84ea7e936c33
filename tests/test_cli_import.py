"""`visitkit import` / `export`: spreadsheets of profiles, both ways, as untrusted input."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import openpyxl
import pytest

from tests.cli_support import project_copy, tree, visitkit
from tests.pipeline_support import doit
from visitkit.cli import spreadsheet
from visitkit.profile import load_profile
from visitkit.sources import available_locales

HEADER = "id,name,vertical,locales,brand.primary,brand.logo,links.booking,policies.payment_methods\n"
GOOD = "good-one,Good One,retail,en,#123456,,https://good.example/book,card; cash\n"


def profiles(project: Path) -> dict[str, str]:
    return {k: v for k, v in tree(project / "org_profiles").items() if k != "profile.schema.json"}


def lines(result) -> list[str]:
    return result.stdout.splitlines()


@pytest.fixture
def project(tmp_path) -> Path:
    return project_copy(tmp_path / "p")


def test_import_creates_valid_profiles_and_reimport_changes_nothing(project):
    before = profiles(project)
    dry = visitkit(project, "import", "examples/clients.csv", "--dry-run")
    assert dry.returncode == 0, dry.stdout + dry.stderr
    assert lines(dry) == [
        "would create org_profiles/lakeside-dental.yaml",
        "would create org_profiles/northgate-cu.yaml",
        "would create org_profiles/pine-co-garden-supply.yaml (row 4: id derived from the name)",
    ]
    assert profiles(project) == before  # --dry-run writes nothing

    result = visitkit(project, "import", "examples/clients.csv")
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines(result) == [
        "created org_profiles/lakeside-dental.yaml",
        "created org_profiles/northgate-cu.yaml",
        "created org_profiles/pine-co-garden-supply.yaml (row 4: id derived from the name)",
    ]
    available = available_locales(project / "sources")
    dental = load_profile(project / "org_profiles" / "lakeside-dental.yaml", available)
    assert dental.brand.logo == "lakeside-dental/lakeside-dental.svg"
    assert (project / "org_profiles" / dental.brand.logo).read_bytes() == (
        project / "examples" / "logos" / "lakeside-dental.svg"
    ).read_bytes()
    assert [m["en"] for m in dental.policies.payment_methods] == ["credit or debit card", "dental plan"]
    assert dental.features.sms_reminders is True
    union = load_profile(project / "org_profiles" / "northgate-cu.yaml", available)
    assert union.locales == ["en", "es"]
    assert union.policies.fee_differences["es"].startswith("Las citas virtuales")
    text = (project / "org_profiles" / "northgate-cu.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=profile.schema.json\n# Written by `visitkit import`")
    assert "  primary: '#1D3557'\n" in text and "locales: [en, es]\n" in text  # quoted where YAML would misread
    assert visitkit(project, "check").returncode == 0
    built = doit(project, "org=lakeside-dental")  # the imported logo reaches the toolkit
    assert built.returncode == 0, built.stdout + built.stderr
    assert (project / "build" / "lakeside-dental" / "en" / "logo.png").stat().st_size > 0

    written = profiles(project)
    again = visitkit(project, "import", "examples/clients.csv")
    assert again.returncode == 0
    assert all(line.startswith("unchanged ") for line in lines(again))
    assert profiles(project) == written  # byte-identical


def test_an_updated_row_updates_only_its_profile(project):
    assert visitkit(project, "import", "examples/clients.csv").returncode == 0
    written = profiles(project)
    sheet = project / "examples" / "clients.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("#1D3557", "#22577A"), encoding="utf-8")
    result = visitkit(project, "import", "examples/clients.csv")
    assert result.returncode == 0
    assert lines(result) == [
        "unchanged org_profiles/lakeside-dental.yaml",
        "updated org_profiles/northgate-cu.yaml: brand.primary",
        "unchanged org_profiles/pine-co-garden-supply.yaml (row 4: id derived from the name)",
    ]
    now = profiles(project)
    assert {name for name in now if now[name] != written.get(name)} == {"northgate-cu.yaml"}
    assert "  primary: '#22577A'\n" in (project / "org_profiles" / "northgate-cu.yaml").read_text()


def test_a_hand_edited_profile_is_kept_without_force(project):
    assert visitkit(project, "import", "examples/clients.csv").returncode == 0
    path = project / "org_profiles" / "northgate-cu.yaml"
    edited = path.read_text(encoding="utf-8").replace("short_name: Northgate", "short_name: Northgate CU")
    path.write_text(edited, encoding="utf-8")
    sheet = project / "examples" / "clients.csv"
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("#1D3557", "#22577A"), encoding="utf-8")
    result = visitkit(project, "import", "examples/clients.csv")
    assert result.returncode == 1
    assert (
        "ERROR examples/clients.csv:3: org_profiles/northgate-cu.yaml: edited by hand (or not written by visitkit "
        "import); not replaced: import with --force to replace it"
    ) in lines(result)
    assert path.read_text(encoding="utf-8") == edited
    # A profile written by hand from the start is protected the same way.
    sample = project / "org_profiles" / "sample.yaml"
    hand = sample.read_bytes()
    (project / "hand.csv").write_text(HEADER + "sample,Another Name,retail,en,#123456,,https://a.example/b,\n")
    refused = visitkit(project, "import", "hand.csv")
    assert refused.returncode == 1 and sample.read_bytes() == hand
    forced = visitkit(project, "import", "examples/clients.csv", "--force")
    assert forced.returncode == 0
    assert "updated org_profiles/northgate-cu.yaml: short_name, brand.primary" in lines(forced)
    assert "short_name: Northgate\n" in path.read_text(encoding="utf-8")


def test_bad_rows_are_reported_one_line_each_and_not_written(project, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes((project / "org_profiles" / "sample" / "logo.png").read_bytes())
    sheets = project / "sheets"
    sheets.mkdir()
    (sheets / "logo.png").write_bytes(outside.read_bytes())
    os.symlink(outside, sheets / "link.png")
    rows = [
        GOOD,
        "bad-colour,Bad Colour,retail,en,blue,,https://x.example/b,\n",
        "bad-url,Bad Url,retail,en,#123456,,javascript:alert(1),\n",
        "Bad_Id,Bad Id,retail,en,#123456,,https://x.example/b,\n",
        "dots,Dots,retail,en,#123456,../secret.png,https://x.example/b,\n",
        "absolute,Absolute,retail,en,#123456,/etc/passwd,https://x.example/b,\n",
        "linked,Linked,retail,en,#123456,link.png,https://x.example/b,\n",
        "klingon,Klingon,retail,tlh,#123456,,https://x.example/b,\n",
        "with-logo,With Logo,healthcare,en,#654321,logo.png,https://logo.example/b,\n",
    ]
    (sheets / "clients.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    before = profiles(project)
    result = visitkit(project, "import", "sheets/clients.csv")
    assert result.returncode == 1
    assert lines(result) == [
        "created org_profiles/good-one.yaml",
        "ERROR sheets/clients.csv:3: brand.primary: expected a colour like #1A2B3C, got 'blue'",
        "ERROR sheets/clients.csv:4: links.booking: expected a https: or http: URL, got 'javascript:alert(1)'",
        "ERROR sheets/clients.csv:5: id: expected an org id like 'acme-clinic' (a-z, 0-9 and '-', at most 63 "
        "characters), got 'Bad_Id'",
        "ERROR sheets/clients.csv:6: brand.logo: expected a path inside the spreadsheet's folder (sheets/), "
        "got '../secret.png'",
        "ERROR sheets/clients.csv:7: brand.logo: expected a path inside the spreadsheet's folder (sheets/), "
        "got '/etc/passwd'",
        "ERROR sheets/clients.csv:8: brand.logo: expected a path inside the spreadsheet's folder (sheets/), "
        "got 'link.png', which leads outside it through a symbolic link",
        "ERROR sheets/clients.csv:9: locales: expected one of "
        f"{', '.join(sorted(available_locales(project / 'sources')))}, got 'tlh'",
        "created org_profiles/with-logo.yaml",
    ]
    assert result.stderr.strip() == "visitkit import: 9 rows: 2 created, 0 updated, 0 unchanged, 7 failed"
    assert set(profiles(project)) - set(before) == {"good-one.yaml", "with-logo.yaml", "with-logo/logo.png"}
    assert not (project / "org_profiles" / "dots").exists() and not (project / "org_profiles" / "linked").exists()


def test_ids_derived_from_names_are_stable_and_unique(project):
    (project / "names.csv").write_text(
        "name,vertical,brand.primary,links.booking\n"
        "Café Zoë & Søn,retail,#123456,https://a.example/b\n"
        "Café Zoë & Søn,retail,#123456,https://b.example/b\n",
        encoding="utf-8",
    )
    first = visitkit(project, "import", "names.csv")
    assert lines(first) == [
        "created org_profiles/cafe-zoe-son.yaml (row 2: id derived from the name)",
        "created org_profiles/cafe-zoe-son-2.yaml (row 3: id derived from the name)",
    ]
    again = visitkit(project, "import", "names.csv")
    assert lines(again) == [line.replace("created", "unchanged") for line in lines(first)]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_is_a_no_op(project, suffix):
    assert visitkit(project, "import", "examples/clients.csv").returncode == 0
    before = tree(project / "org_profiles")
    out = project / "out" / f"all{suffix}"
    out.parent.mkdir()
    exported = visitkit(project, "export", f"out/all{suffix}")
    assert exported.returncode == 0, exported.stdout + exported.stderr
    first = out.read_bytes()
    assert visitkit(project, "export", f"out/all{suffix}").returncode == 0
    assert out.read_bytes() == first  # byte-reproducible
    table = spreadsheet.read(out)
    assert [cells["id"] for _, cells in table] == sorted(p.stem for p in (project / "org_profiles").glob("*.yaml"))
    # Logos outside the spreadsheet's folder are copied next to it, and named relative to it.
    dental = next(cells for _, cells in table if cells["id"] == "lakeside-dental")
    assert dental["brand.logo"] == "all-files/lakeside-dental/lakeside-dental.svg"
    assert (out.parent / dental["brand.logo"]).is_file()

    result = visitkit(project, "import", f"out/all{suffix}")
    assert result.returncode == 0, result.stdout
    assert all(line.startswith("unchanged ") for line in lines(result)), lines(result)
    assert len(lines(result)) == len(table)
    assert tree(project / "org_profiles") == before


def test_xlsx_import_matches_csv_import_and_refuses_formulas(project, tmp_path):
    table = spreadsheet.read(project / "examples" / "clients.csv")
    header = list(dict.fromkeys(column for _, cells in table for column in cells))
    data = spreadsheet.write(Path("x.xlsx"), header, [[cells.get(c, "") for c in header] for _, cells in table])
    (project / "examples" / "clients.xlsx").write_bytes(data)
    assert visitkit(project, "import", "examples/clients.xlsx").returncode == 0
    from_xlsx = profiles(project)
    other = project_copy(tmp_path / "other")
    assert visitkit(other, "import", "examples/clients.csv").returncode == 0
    assert profiles(other) == from_xlsx

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "name", "vertical", "brand.primary", "links.booking"])
    sheet.append(["formula", '=HYPERLINK("https://evil.example","Click")', "retail", "#123456", "https://a.example/b"])
    sheet.append(["number", "Number Co", "retail", "#123456", "https://a.example/b"])
    sheet["A3"].value = 42  # a number typed into the id column: its digits
    book.save(project / "formulas.xlsx")
    result = visitkit(project, "import", "formulas.xlsx")
    assert result.returncode == 1
    assert lines(result) == [
        'ERROR formulas.xlsx:2: name: expected a value, got a formula (\'=HYPERLINK("https://evil.example","Click")\')',
        "created org_profiles/42.yaml",
    ]


def test_cells_that_would_run_as_formulas_are_neutralised_and_come_back(project):
    risky = ["=SUM(1,2) Clinic", "+1 555 010 9000", "-minus", "@handle", "'quoted"]
    (project / "risky.csv").write_text(
        "id,name,short_name,vertical,brand.primary,links.booking,contact.phone\n"
        f"risky,\"'{risky[0]}\",'{risky[3]},retail,#123456,https://a.example/b,'{risky[1]}\n",
        encoding="utf-8",
    )
    assert visitkit(project, "import", "risky.csv").returncode == 0
    profile = load_profile(project / "org_profiles" / "risky.yaml", available_locales(project / "sources"))
    assert (profile.name, profile.short_name, profile.contact.phone) == (risky[0], risky[3], risky[1])
    before = tree(project / "org_profiles")
    for suffix in (".csv", ".xlsx"):
        assert visitkit(project, "export", f"all{suffix}").returncode == 0
        if suffix == ".csv":
            rows = list(csv.reader(io.StringIO((project / "all.csv").read_text(encoding="utf-8-sig"))))
            cells = [cell for row in rows for cell in row]
        else:
            book = openpyxl.load_workbook(project / "all.xlsx")
            assert all(c.data_type != "f" for row in book.active.iter_rows() for c in row)  # no formula anywhere
            cells = [c.value for row in book.active.iter_rows() for c in row if c.value is not None]
        assert {f"'{risky[0]}", f"'{risky[1]}", f"'{risky[3]}"} <= set(cells)
        assert not [c for c in cells if isinstance(c, str) and c and c[0] in "=+-@\t\r"]
        result = visitkit(project, "import", f"all{suffix}")
        assert result.returncode == 0 and all(line.startswith("unchanged") for line in lines(result))
        assert tree(project / "org_profiles") == before
    assert spreadsheet.unneutralise(spreadsheet.neutralise(risky[4])) == risky[4]


def test_unreadable_spreadsheets_are_one_line(project):
    (project / "empty.csv").write_bytes(b"")
    (project / "twice.csv").write_text("name,vertical,name\nA,retail,B\n", encoding="utf-8")
    (project / "latin1.csv").write_bytes("name\nCaf\xe9\n".encode("latin-1"))
    (project / "broken.xlsx").write_bytes(b"not a workbook")
    (project / "huge.csv").write_text("name\n" + "x" * 200_000 + "\n", encoding="utf-8")
    (project / "notes.txt").write_text("name\n", encoding="utf-8")
    expected = {
        "empty.csv": "ERROR empty.csv: expected a header row of profile paths (id, name, vertical, …), "
        "got an empty file",
        "twice.csv": "ERROR twice.csv:1: column 'name' appears twice",
        "latin1.csv": "ERROR latin1.csv: expected UTF-8 text, got the byte 0xE9",
        "broken.xlsx": "ERROR broken.xlsx: expected an XLSX workbook, got a file that cannot be opened "
        "(File is not a zip file)",
        "huge.csv": "ERROR huge.csv: expected CSV, got a file that cannot be read "
        "(field larger than field limit (131072))",
        "notes.txt": "ERROR notes.txt: expected a .csv or .xlsx file, got .txt",
    }
    before = profiles(project)
    for name, line in expected.items():
        result = visitkit(project, "import", name)
        assert (result.returncode, lines(result)) == (1, [line]), name
    assert profiles(project) == before


def test_written_yaml_quotes_what_yaml_would_misread(project):
    (project / "odd.csv").write_text(
        "id,name,short_name,vertical,brand.primary,links.booking,contact.phone,features.sms_reminders\n"
        "odd,1234,no,retail,#0B6E4F,https://a.example/b,0123 456,TRUE\n",
        encoding="utf-8",
    )
    assert visitkit(project, "import", "odd.csv").returncode == 0
    text = (project / "org_profiles" / "odd.yaml").read_text(encoding="utf-8")
    assert "name: '1234'\n" in text and "short_name: 'no'\n" in text and "primary: '#0B6E4F'\n" in text
    assert "sms_reminders: true\n" in text  # a boolean column: a real boolean
    profile = load_profile(project / "org_profiles" / "odd.yaml", available_locales(project / "sources"))
    assert (profile.name, profile.short_name, profile.contact.phone) == ("1234", "no", "0123 456")
    assert profile.features.sms_reminders is True
