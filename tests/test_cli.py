import subprocess
import sys

import pytest

from bwconsole.cli import SUBCOMMANDS, build_parser, main


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out


@pytest.mark.parametrize("name", sorted(SUBCOMMANDS))
def test_each_subcommand_has_its_own_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([name, "--help"])
    assert exc.value.code == 0
    assert f"bwconsole {name}" in capsys.readouterr().out


def test_console_flags_parse() -> None:
    args = build_parser().parse_args(["--sandbox", "--theme", "light", "--fresh"])
    assert args.sandbox and args.fresh and args.theme == "light"


def test_help_does_not_import_the_servers() -> None:
    code = (
        "import sys; from bwconsole.cli import main\n"
        "try: main(['--help'])\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('uvicorn', 'starlette', 'httpx', 'textual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_fresh_is_described_the_same_in_help_and_getting_started() -> None:
    from pathlib import Path

    from bwconsole.cli import FRESH_HELP

    guide = (Path(__file__).parent.parent / "docs" / "getting-started.md").read_text()
    assert FRESH_HELP.removeprefix("start over") in " ".join(guide.split())
    assert any(
        a.help == FRESH_HELP for a in build_parser()._actions if "--fresh" in a.option_strings
    )
