"""TableModel: filter, sort and live updates stay correct, including at 100,000 rows."""

from __future__ import annotations

import random

from bwconsole.tui.model import Column, TableModel

COLUMNS = (Column("name", "Name"), Column("n", "N"), Column("state", "State"))


def keys(model: TableModel) -> list[str]:
    return list(model)


def test_filter_is_case_insensitive_over_visible_columns_only() -> None:
    model = TableModel(COLUMNS)
    model.upsert("a", {"name": "Alice", "n": 1, "state": "active", "hidden": "zebra"})
    model.upsert("b", {"name": "Bob", "n": 2, "state": "done", "hidden": "zebra"})
    model.set_filter("ALI")
    assert keys(model) == ["a"]
    model.set_filter("zebra")
    assert keys(model) == []
    model.set_filter("")
    assert keys(model) == ["a", "b"]


def test_sort_by_column_both_directions_and_back_to_arrival() -> None:
    model = TableModel(COLUMNS)
    for key, n in (("x", 3), ("y", 1), ("z", 2)):
        model.upsert(key, {"name": key, "n": n, "state": ""})
    model.sort_by("n")
    assert keys(model) == ["y", "z", "x"]
    model.sort_by("n", reverse=True)
    assert keys(model) == ["x", "z", "y"]
    model.sort_by(None)
    assert keys(model) == ["x", "y", "z"]


def test_update_moves_row_and_respects_filter() -> None:
    model = TableModel(COLUMNS)
    model.upsert("c1", {"name": "call 1", "n": 5, "state": "ringing"})
    model.upsert("c2", {"name": "call 2", "n": 1, "state": "ringing"})
    model.sort_by("n")
    model.set_filter("active")
    assert keys(model) == []
    model.upsert("c1", {"name": "call 1", "n": 0, "state": "active"})
    assert keys(model) == ["c1"]
    model.set_filter("")
    assert keys(model) == ["c1", "c2"]
    assert model.index_of("c2") == 1
    model.remove("c1")
    assert keys(model) == ["c2"] and model.index_of("c1") is None


def test_take_changes_reports_dirty_keys_and_reorder_once() -> None:
    model = TableModel(COLUMNS)
    model.upsert("a", {"name": "a", "n": 1, "state": ""})
    model.take_changes()
    model.upsert("a", {"name": "a", "n": 1, "state": "x"})
    model.upsert("a", {"name": "a", "n": 1, "state": "y"})
    assert model.take_changes() == ({"a"}, False)
    assert model.take_changes() == (set(), False)
    model.upsert("b", {"name": "b", "n": 1, "state": ""})
    assert model.take_changes() == ({"b"}, True)


def test_newest_first_lists_latest_arrival_on_top() -> None:
    model = TableModel(COLUMNS, reverse=True)
    for key in "abc":
        model.upsert(key, {"name": key, "n": 0, "state": ""})
    assert keys(model) == ["c", "b", "a"]
    assert model.key_at(0) == "c" and model.index_of("a") == 2


def test_100k_rows_filter_sort_and_updates_match_a_naive_recomputation() -> None:
    rng = random.Random(7)
    states = ("ringing", "active", "completed", "rejected")
    model = TableModel(COLUMNS)
    rows = {}
    for i in range(100_000):
        row = {"name": f"call-{i:06d}", "n": rng.randrange(1000), "state": rng.choice(states)}
        rows[f"k{i}"] = row
        model.upsert(f"k{i}", row)
    model.sort_by("n", reverse=True)
    for query in ("act", "acti", "active", "ctive", "call-0001", ""):
        model.set_filter(query)
        expected = [
            k
            for k, r in rows.items()
            if query in f"{r['name']}\x00{r['n']}\x00{r['state']}".lower()
        ]
        order = {k: i for i, k in enumerate(rows)}
        expected.sort(key=lambda k: (rows[k]["n"], order[k]), reverse=True)
        assert keys(model) == expected, query
    # Live updates on a sorted, filtered view keep it exactly as a full recomputation would.
    model.set_filter("active")
    for i in rng.sample(range(100_000), 500):
        row = {"name": f"call-{i:06d}", "n": rng.randrange(1000), "state": rng.choice(states)}
        rows[f"k{i}"] = row
        model.upsert(f"k{i}", row)
    order = {k: i for i, k in enumerate(rows)}
    expected = [k for k, r in rows.items() if "active" in r["state"] or "active" in r["name"]]
    expected.sort(key=lambda k: (rows[k]["n"], order[k]), reverse=True)
    assert keys(model) == expected
    assert model.total == 100_000


def test_max_rows_drops_the_oldest_arrival() -> None:
    model = TableModel(COLUMNS, reverse=True, max_rows=3)
    for key in "abcd":
        model.upsert(key, {"name": key, "n": 0, "state": ""})
    model.upsert("b", {"name": "b2", "n": 0, "state": ""})  # an update does not make it new
    model.upsert("e", {"name": "e", "n": 0, "state": ""})
    assert keys(model) == ["e", "d", "c"] and model.total == 3
