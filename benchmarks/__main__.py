"""``python -m benchmarks [--quick] [--only NAME ...] [--repeats N] [--out FILE]``: run, print the table, write JSON."""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from pathlib import Path
from types import ModuleType

from benchmarks.common import Figure, Result, assert_no_leftovers, fmt, log

# In the order they run: the engine's figures first, the app's last.
MODULES = ["ingest", "recording", "latency", "overhead", "shapes", "sampler", "scale", "app_first_frame",
           "app_screen_latency", "app_switch", "app_burst", "share", "app_idle", "memory", "scrub", "steps", "abuse"]
RESULTS = Path(__file__).resolve().parent / "results"


def _load(name: str) -> ModuleType:
    return importlib.import_module(f"benchmarks.{name}")


def run_module(module: ModuleType, quick: bool,
               repeats: int | None) -> tuple[list[Result], dict[str, list[float]], str]:
    """Each figure's values over the repeats, and those of the details (what a benchmark reports beside its figures)."""
    figures: list[Figure] = module.FIGURES
    results = {f.key: Result(f) for f in figures}
    details: dict[str, list[float]] = {}
    error = ""
    n = 1 if quick else (repeats or module.REPEATS)
    for _ in range(n):
        try:
            values = module.measure(quick)
        except Exception:  # one broken benchmark must not hide the others' figures
            error = traceback.format_exc()
            log(error)
            values = {}
        try:
            assert_no_leftovers()  # every process it started is ended and reaped, or the run is not valid
        except RuntimeError as exc:
            error += f"{exc}\n"
            log(str(exc))
        if error:
            break
        for key, value in values.items():
            if key in results:
                results[key].values.append(float(value))
            else:
                details.setdefault(key, []).append(float(value))
    return list(results.values()), details, error


def table(results: list[Result]) -> str:
    rows = [("figure", "median", "min-max", "unit", "target", "met")]
    for r in results:
        span = f"{fmt(min(r.values))}-{fmt(max(r.values))}" if r.values else "-"
        met = {True: "yes", False: "NO", None: ""}[r.met]
        rows.append((r.figure.label, fmt(r.median), span, r.figure.unit, r.figure.target_text, met))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [c.ljust(w) if i in (0, 3) else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="each benchmark once, at a tiny size (smoke test)")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=MODULES, help="run only these benchmarks")
    parser.add_argument("--repeats", type=int, default=None, help="runs per benchmark (default: each one's own)")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json", help="where to write the JSON")
    args = parser.parse_args(argv)
    # Every run is recorded: the benchmarks' runs (gigabytes of them) go to a folder removed at the end.
    home = tempfile.mkdtemp(prefix="contui-bench-home-")
    os.environ["CONTUI_HOME"] = home
    try:
        return _run(args)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def _run(args: argparse.Namespace) -> int:
    started = time.monotonic()
    results: list[Result] = []
    report: dict[str, object] = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "quick": args.quick, "benchmarks": {},
    }
    for name in args.only or MODULES:
        module = _load(name)
        log(f"-- {name}: {(module.__doc__ or '').strip().splitlines()[0]}")
        began = time.monotonic()
        module_results, details, error = run_module(module, args.quick, args.repeats)
        results += module_results
        report["benchmarks"][name] = {  # type: ignore[index]
            "doc": " ".join((module.__doc__ or "").split()), "seconds": round(time.monotonic() - began, 1),
            "figures": [r.to_dict() for r in module_results], "error": error or None,
            # Their median over the repeats, as for the figures: the last repeat alone is whatever it happened to be.
            "details": {k: statistics.median(v) for k, v in details.items()}, "details_values": details,
        }
        for r in module_results:
            log(f"   {r.figure.label}: {fmt(r.median)} {r.figure.unit} {r.figure.target_text}")
    report["seconds"] = round(time.monotonic() - started, 1)
    text = table(results)
    print(text)
    print(f"\n{len(results)} figures in {report['seconds']} s; "
          f"{sum(r.met is False for r in results)} targets missed")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"written: {args.out}")
    failed = [name for name, entry in report["benchmarks"].items() if entry["error"]]  # type: ignore[union-attr]
    if failed:
        print(f"benchmarks that failed to run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
