import pytest

from bwconsole.cli import build_parser, main


def test_help_lists_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in ("sandbox", "relay", "config"):
        assert name in out


def test_console_flags_parse() -> None:
    args = build_parser().parse_args(["--sandbox", "--theme", "light", "--fresh"])
    assert args.sandbox and args.fresh and args.theme == "light"
