"""Start-up of the README's command, `uv run bwconsole`, with and without uv's `compile-bytecode`.

    uv run python benchmarks/startup_bench.py [--runs 10] [--screen-runs 5]

`[tool.uv] compile-bytecode = true` makes every `uv run` byte-compile the whole
environment before starting the program; without it Python compiles a module the
first time it is imported and caches it, unless `PYTHONDONTWRITEBYTECODE` is
set, when every start compiles what it imports. So each way is measured with
that variable unset (a user's normal case) and set (as on this workplace), for
`uv run bwconsole --version` (uv's own cost plus the CLI) and for
`uv run bwconsole --sandbox` until the seeded Numbers rows are on screen (the
whole console start).

Three ways bytecode gets into the environment: uv compiles on "every run"
(`compile-bytecode = true`, applied here as uv's `UV_COMPILE_BYTECODE=1`, the
same setting), "never" (no cached bytecode, as after a `uv sync` that did not
compile), or "once" (one `uv sync --compile-bytecode`, then plain `uv run`).
The project file must say `compile-bytecode = false`. Medians; for `--version`
also the CPU time (user + system of uv and Python), which a loaded machine
disturbs less than the wall clock. Figures and decision: docs/performance.md,
docs/decisions/007-bytecode.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from console_bench import time_to_screen  # noqa: E402  (a sibling script, not a package)

from bwconsole.sandbox.seed import APPLICATION_NAME  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
MODES = ("every run", "never", "once")


def purge_bytecode() -> None:
    """Remove every cached bytecode file of the environment and of bwconsole."""
    for root in (Path(sys.prefix), ROOT / "bwconsole"):
        for directory in [d for d in root.rglob("__pycache__") if d.is_dir()]:
            shutil.rmtree(directory, ignore_errors=True)


def version_run(env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one `uv run bwconsole --version`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        ["uv", "run", "bwconsole", "--version"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def measure(mode: str, dont_write: bool, runs: int, screen_runs: int) -> dict[str, float]:
    """Median figures for one way of getting bytecode, in a throw-away home."""
    with tempfile.TemporaryDirectory(prefix="bwconsole-startup-") as home:
        unset = ("UV_COMPILE_BYTECODE", "PYTHONDONTWRITEBYTECODE")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env |= {
            "TERM": "xterm-256color",
            "BWCONSOLE_DATA_DIR": str(Path(home, "data")),
            "BWCONSOLE_CONFIG_DIR": str(Path(home, "config")),
            "BWCONSOLE_LOG_DIR": str(Path(home, "log")),
        }
        if dont_write:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
        if mode == "every run":
            env["UV_COMPILE_BYTECODE"] = "1"
        else:
            purge_bytecode()
        if mode == "once":
            subprocess.run(["uv", "sync", "--compile-bytecode", "--quiet"], cwd=ROOT, check=True)
        console = ["uv", "run", "bwconsole", "--sandbox"]
        loaded = (APPLICATION_NAME.encode(),)
        # First start: state (and, where Python may write it, the bytecode cache) is created.
        time_to_screen([*console, "--fresh"], (*loaded, b"Welcome to bwconsole"), env)
        version_run(env)
        versions = [version_run(env) for _ in range(runs)]
        screens = [time_to_screen(console, loaded, env) for _ in range(screen_runs)]
    return {
        "version_s": statistics.median(wall for wall, _ in versions),
        "version_cpu_s": statistics.median(cpu for _, cpu in versions),
        "console_s": statistics.median(screens),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="`--version` runs per case")
    parser.add_argument("--screen-runs", type=int, default=5, help="console starts per case")
    args = parser.parse_args()
    setting = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["uv"]
    if setting.get("compile-bytecode"):
        sys.exit("set [tool.uv] compile-bytecode = false first: the variable can only add it")
    print(
        "| PYTHONDONTWRITEBYTECODE | uv compiles | `uv run bwconsole --version` wall (CPU) "
        "| `uv run bwconsole --sandbox` to screen |"
    )
    print("|---|---|---|---|")
    try:
        for dont_write in (False, True):
            for mode in MODES:
                figures = measure(mode, dont_write, args.runs, args.screen_runs)
                version = f"{figures['version_s'] * 1000:.0f} ms"
                cpu = f"{figures['version_cpu_s'] * 1000:.0f} ms"
                print(
                    f"| {'set' if dont_write else 'unset'} | {mode} | {version} ({cpu}) "
                    f"| {figures['console_s']:.2f} s |",
                    flush=True,
                )
    finally:
        # Leave the environment with its bytecode, as `uv sync --compile-bytecode` would.
        subprocess.run(["uv", "sync", "--compile-bytecode", "--quiet"], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
