"""The console's index of conferences: remembered per account, across restarts, in order."""

from __future__ import annotations

from pathlib import Path

from bwconsole.config import Profile
from bwconsole.tui.backend import Backend
from bwconsole.tui.conference_index import INDEX_FILE, ConferenceIndex, index_path


def test_ids_survive_a_restart_in_first_seen_order(tmp_path: Path) -> None:
    index = ConferenceIndex(tmp_path / "deep" / INDEX_FILE, "u-one")
    assert index.remember("conf-b") is True
    assert index.remember("conf-a") is True
    assert index.remember("conf-b") is False
    index.close()
    again = ConferenceIndex(tmp_path / "deep" / INDEX_FILE, "u-one")
    assert again.ids() == ["conf-b", "conf-a"]
    again.forget("conf-b")
    assert again.ids() == ["conf-a"]
    again.close()


def test_accounts_do_not_see_each_others_conferences(tmp_path: Path) -> None:
    one = ConferenceIndex(tmp_path / INDEX_FILE, "u-one")
    two = ConferenceIndex(tmp_path / INDEX_FILE, "u-two")
    one.remember("conf-1")
    two.remember("conf-2")
    assert one.ids() == ["conf-1"]
    assert two.ids() == ["conf-2"]
    one.close()
    two.close()


def test_index_lives_in_the_backends_data_dir(tmp_path: Path) -> None:
    profile = Profile(name="p", user_id="u", api_token="t", api_secret="s")
    backend = Backend(
        profile=profile,
        client=None,  # type: ignore[arg-type]
        live=None,
        sandbox=None,
        data_dir=tmp_path / "embedded",
    )
    assert index_path(backend) == tmp_path / "embedded" / INDEX_FILE
