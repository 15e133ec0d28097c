"""What a benchmark prints and writes: aligned text tables, the machine it ran on, and the
page benchmark's report (header, ratio table, how to read it, the server log's problems,
the JSON file)."""

from __future__ import annotations

import json
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.harness.load import Comparison


def machine_meta() -> dict[str, Any]:
    """The machine, and how busy it was before the run (for the header and the JSON)."""
    return {
        "cpu_count": os.cpu_count(),
        "machine": f"{platform.system()} {platform.machine()}",
        "load_average_before": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


def aligned_table(
    columns: tuple[str, ...], rows: list[tuple[str, ...]], left: int = 0
) -> list[str]:
    """A text table: header, rule, rows; the first `left` columns aligned left, the rest right."""
    widths = [max(len(row[i]) for row in [columns, *rows]) for i in range(len(columns))]

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(
            cell.ljust(width) if index < left else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(row, widths, strict=True))
        )

    return [line(columns), "  ".join("-" * width for width in widths), *map(line, rows)]


def header_lines(meta: dict[str, Any], title: str, extra: Sequence[str] = ()) -> list[str]:
    """The title, any extra lines, then versions, database, server, client and timing."""
    rounds = f" (in {meta['rounds']} alternating slices)" if meta["rounds"] > 1 else ""
    return [
        title,
        *extra,
        f"  Python {meta['python']}, Django {meta['django']}, Wagtail {meta['wagtail']}, "
        f"gunicorn {meta['gunicorn']}",
        f"  database: {meta['database_vendor']} {meta['database_version']} "
        f"({meta['database_note']}), CONN_MAX_AGE {meta['conn_max_age']}, "
        f"cache: {meta['cache']}, DEBUG off",
        f"  gunicorn: {meta['workers']} {meta['worker_class']} workers; "
        f"client: {meta['concurrency']} threads, {meta['connections']}",
        f"  duration: {meta['duration']:g} s per run{rounds} after {meta['warmup']:g} s "
        f"warm-up; CPUs: {meta['cpu_count']} ({meta['machine']}), load average before: "
        f"{meta['load_average_before']}",
    ]


def table_lines(comparisons: list[Comparison]) -> list[str]:
    columns = ("target", "req/s", "p50 ms", "p95 ms", "baseline req/s", "ratio")
    rows = [
        (
            c.target.target,
            f"{c.target.requests_per_second:.1f}",
            f"{c.target.p50_ms:.1f}",
            f"{c.target.p95_ms:.1f}",
            f"{c.baseline.requests_per_second:.1f}",
            f"{c.ratio:.3f}",
        )
        for c in comparisons
    ]
    return aligned_table(columns, rows, left=1)


def log_problems(log_path: Path) -> list[str]:
    """Lines of gunicorn's log worth a look: tracebacks, errors, warnings, worker restarts."""
    pattern = re.compile(r"Traceback|ERROR|CRITICAL|WARNING|Warning:|Worker exiting|TIMEOUT")
    try:
        lines = log_path.read_text(errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if pattern.search(line)]


def write_comparisons(
    json_path: Path, meta: dict[str, Any], comparisons: list[Comparison], problems: list[str]
) -> None:
    payload = {
        "meta": meta,
        "results": [
            {
                "target": c.target.target,
                "url": c.target.url,
                "ratio": c.ratio,
                "page": asdict(c.target),
                "baseline": asdict(c.baseline),
            }
            for c in comparisons
        ],
        "gunicorn_log_problems": problems,
    }
    json_path.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nwrote {json_path}")


def report(
    meta: dict[str, Any],
    comparisons: list[Comparison],
    problems: list[str],
    *,
    title: str,
    extra_header: Sequence[str] = (),
    json_path: Path | None = None,
) -> None:
    """Print the header, the table, how to read it and the log's problems; write the JSON."""
    print()
    print("\n".join(header_lines(meta, title, extra_header)))
    print()
    print("\n".join(table_lines(comparisons)))
    print()
    print("ratio = page req/s / baseline req/s, the baseline measured just before the page.")
    client_cpu = max(c.baseline.client_cpu_percent for c in comparisons)
    print(
        f"The load generator itself used up to {client_cpu:.0f}% of a core during the "
        f"baseline runs, on the same {meta['cpu_count']} CPUs as gunicorn."
    )
    if problems:
        print(f"\ngunicorn log had {len(problems)} line(s) worth a look:")
        print("\n".join(f"  {line}" for line in problems[:20]))
    if json_path:
        write_comparisons(json_path, meta, comparisons, problems)
