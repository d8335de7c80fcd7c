"""How the benchmark measures and judges: interleaved rounds, medians, noise, goals, the table.

A figure is ours beside a baseline taken in the same run. Rounds alternate the contenders (the
order rotates each round, so that none always runs on a warm or a cold machine); each figure is the
median over rounds, and the ratio is the median of the per-round ratios (ours / baseline for times,
so lower is better; ours / baseline for rates, so higher is better). Its noise is how far that
median could be off, from the spread of the rounds: 1.57 x their interquartile range / sqrt(rounds),
the half-width of a box plot's notch (about a 95% confidence interval for the median). A goal counts
as missed only when the ratio is beyond it by more than that.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Block = Callable[[], float]
"""One timed block of work (n calls, one whole transfer): returns the seconds it took."""


def timed(work: Callable[[], object]) -> Block:
    """A ``Block`` that times ``work()``."""

    def block() -> float:
        started = time.perf_counter()
        work()
        return time.perf_counter() - started

    return block


def interleave(blocks: dict[str, Block], rounds: int) -> dict[str, list[float]]:
    """Seconds per round for each contender, the contenders taking turns in a rotating order."""
    names = list(blocks)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    for turn in range(rounds):
        for name in names[turn % len(names) :] + names[: turn % len(names)]:
            seconds[name].append(blocks[name]())
    return seconds


def paired(contender: Block, baseline: Block, rounds: int) -> Paired:
    """``contender`` and ``baseline`` run back to back, ``rounds`` times, taking turns going first."""
    seconds = interleave({"contender": contender, "baseline": baseline}, rounds)
    return Paired(seconds["contender"], seconds["baseline"])


@dataclass(frozen=True)
class Goal:
    """``ratio <= limit`` (``at_most``) or ``ratio >= limit``; for memory, the value itself."""

    limit: float
    at_most: bool

    def __str__(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.limit:g}"

    def missed_by(self, value: float) -> float:
        """How far ``value`` is on the wrong side of the limit (0 when the goal is met)."""
        return max(0.0, value - self.limit if self.at_most else self.limit - value)


@dataclass
class Figure:
    """One row of the table: a contender's figure beside the same-run baseline, and the verdict."""

    case: str
    contender: str
    value: str
    baseline: str
    ratio: float | None = None
    noise: float | None = None
    goal: Goal | None = None
    judged: float | None = None
    """What the goal applies to: the ratio, or for memory goals the value in MB."""
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.note:
            return self.note
        if self.goal is None or self.judged is None:
            return ""
        missed = self.goal.missed_by(self.judged)
        if missed == 0:
            return "met"
        return "missed, within noise" if missed <= (self.noise or 0.0) else "MISSED"

    @property
    def failed(self) -> bool:
        return self.verdict == "MISSED"


@dataclass
class Paired:
    """Per-round seconds of ours and of the baseline, turned into figures."""

    ours: list[float]
    baseline: list[float]

    def ratios(self, rate: bool) -> list[float]:
        """Per-round ours / baseline: of times, or of rates (the inverse of the times' ratio)."""
        pairs = zip(self.ours, self.baseline, strict=True)
        return [b / o if rate else o / b for o, b in pairs]

    def ratio_and_noise(self, rate: bool) -> tuple[float, float]:
        ratios = self.ratios(rate)
        return statistics.median(ratios), median_noise(ratios)


def median_noise(values: Sequence[float]) -> float:
    """How far the median of ``values`` could be off: 1.57 x interquartile range / sqrt(n)."""
    if len(values) < 2:
        return 0.0
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return 1.57 * (q3 - q1) / len(values) ** 0.5


def time_figure(case: str, contender: str, paired: Paired, calls: int, goal: Goal | None = None) -> Figure:
    """Per-call time, ours beside the baseline."""
    ratio, noise = paired.ratio_and_noise(rate=False)
    return Figure(
        case,
        contender,
        f"{statistics.median(paired.ours) / calls * 1e6:,.0f} µs",
        f"{statistics.median(paired.baseline) / calls * 1e6:,.0f} µs",
        ratio,
        noise,
        goal,
        ratio,
    )


def rate_figure(
    case: str, contender: str, paired: Paired, amount: float, unit: str, goal: Goal | None = None
) -> Figure:
    """A rate (records/s, MB/s): ``amount`` units moved per block, ours beside the baseline."""
    ratio, noise = paired.ratio_and_noise(rate=True)
    scale = 1e6 if unit == "MB/s" else 1.0
    ours = amount / statistics.median(paired.ours) / scale
    base = amount / statistics.median(paired.baseline) / scale
    return Figure(case, contender, f"{ours:,.0f} {unit}", f"{base:,.0f} {unit}", ratio, noise, goal, ratio)


# Fresh processes ------------------------------------------------------------------------------


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (10^6 bytes)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024 / 1e6
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1e6 if sys.platform == "darwin" else peak * 1024 / 1e6


def run_child(args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run ``bench.py --child ARGS`` in a fresh interpreter; the JSON object it prints last."""
    script = Path(__file__).with_name("bench.py")
    done = subprocess.run(
        [sys.executable, str(script), "--child", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"child {' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def import_seconds(module: str, bytecode: Path) -> float:
    """Seconds ``import module`` takes in a fresh interpreter (its start-up not counted).

    Compiled bytecode is kept under ``bytecode`` (``PYTHONPYCACHEPREFIX``) for every module alike,
    as a pip install compiles it: the first import of a module writes it, later ones read it. (An
    editable install under ``PYTHONDONTWRITEBYTECODE`` would otherwise compile our modules from
    source on every import, and not httpx's.)
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(bytecode)
    code = f"import time; s = time.perf_counter(); import {module}; print(time.perf_counter() - s)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return float(done.stdout)


# The report -----------------------------------------------------------------------------------


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(
            f"  {figure.case} / {figure.contender}: {figure.value} (baseline {figure.baseline}) "
            f"{_ratio(figure)} {figure.verdict}",
            file=sys.stderr,
            flush=True,
        )

    @property
    def failed(self) -> list[Figure]:
        return [f for f in self.figures if f.failed]

    def table(self) -> str:
        """The figures as a Markdown table (readable as it is in a terminal)."""
        header = ["case", "contender", "figure", "baseline", "ratio ± noise", "goal", "verdict"]
        rows = [
            [f.case, f.contender, f.value, f.baseline, _ratio(f), str(f.goal or ""), f.verdict]
            for f in self.figures
        ]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
        lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(header, widths, strict=True)) + " |"]
        lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        lines += [
            "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
        ]
        return "\n".join(lines)


def _ratio(figure: Figure) -> str:
    if figure.ratio is None:
        return ""
    if figure.noise is None:
        return f"{figure.ratio:.2f}"
    return f"{figure.ratio:.2f} ± {figure.noise:.2f}"


def machine() -> str:
    """What the figures were measured on."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split()[1])
        memory = f", {total_kb / 2**20:.0f} GiB memory"
    load = ", load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()) if hasattr(os, "getloadavg") else ""
    version = sys.version.split()[0]
    return f"{os.cpu_count()} cores{memory}, Python {version} on {sys.platform}{load}"
