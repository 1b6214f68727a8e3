"""Every row of ENDPOINTS.tsv has a client method, and that method is in the shape table."""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from fixtures.api.shapes import ALL_CASES, BY_RESOURCE

from bwconsole.api import Client

TSV = Path(__file__).parent / "fixtures" / "api" / "ENDPOINTS.tsv"


def rows() -> list[tuple[str, str, str]]:
    with TSV.open(newline="") as handle:
        return [(r["method"], r["path"], r["doc"]) for r in csv.DictReader(handle, delimiter="\t")]


def test_fixture_matches_the_spec_digest() -> None:
    spec = Path("/work/shared/spec/ENDPOINTS.tsv")
    if spec.exists():  # outside the repo: only checkable where the spec is mounted
        assert spec.read_text() == TSV.read_text()
    assert len(rows()) == 71


def test_every_row_has_a_case_with_a_real_method() -> None:
    need = Counter(rows())
    have: dict[tuple[str, str, str], set[str]] = {}
    for case in ALL_CASES:
        if case.doc is not None:
            have.setdefault((case.method, case.template, case.doc), set()).add(case.name)
    missing = [row for row in need if row not in have]
    assert missing == []
    # Rows sharing method, path and doc (single vs batch send) need distinct methods.
    short = {row: n for row, n in need.items() if len(have[row]) < n}
    assert short == {}


def test_cases_name_existing_client_methods() -> None:
    client = Client("u-x", "t", "s")
    for case in ALL_CASES:
        family, method = case.name.split(".")
        assert callable(getattr(getattr(client, family), method)), case.name


def test_every_public_method_has_a_case() -> None:
    client = Client("u-x", "t", "s")
    families = {name for name in vars(client) if not name.startswith("_")}
    public = {
        f"{family}.{name}"
        for family in families
        for name in dir(getattr(client, family))
        if not name.startswith("_")
    }
    assert public == {case.name for case in ALL_CASES}


def test_undocumented_cases_are_only_the_known_extras() -> None:
    extras = {case.name for case in ALL_CASES if case.doc is None}
    assert extras == {"domains.get", "endpoints.create_token"}


def test_templates_use_only_tsv_placeholders() -> None:
    placeholders = {p for _m, path, _d in rows() for p in re.findall(r"{(\w+)}", path)}
    for cases in BY_RESOURCE.values():
        for case in cases:
            assert set(re.findall(r"{(\w+)}", case.template)) <= placeholders, case.name
