"""x-compliance measured against bare httpx (and the peers, where installed), in one run.

    make bench              # the whole run: 5 to 6 minutes on two cores (installs the bench extra)
    make bench-quick        # small sizes, a smoke test for CI: about fifteen seconds
    .venv/bin/python tests/benchmarks/bench.py [--quick] [--only SECTION] [--no-peers]

Every figure stands beside a baseline taken in the same run against the same local server (see
``_server.py``: its own process on 127.0.0.1, so its work is the same for every contender). Each
contender runs back to back with the baseline, round after round, taking turns going first;
figures are medians over rounds; a ratio is the median of the per-round ratios, and its noise how
far that median could be off (see ``_measure.py``). What is measured:

- per call: ``get_job`` and ``list_jobs`` (a page of 100 jobs), sync and async, against a bare
  ``httpx.Client`` / ``httpx.AsyncClient`` GET and ``orjson.loads`` of the same body;
- ``iter_results`` over a results file: records/s against bare httpx streaming, split into lines,
  ``orjson.loads`` per line into dicts; ``download_results`` against bare httpx streaming into a
  file;
- ``upload_ids`` of an ID file: MB/s against a bare httpx PUT streaming the same file;
- peak memory (RSS) of each transfer in a fresh process, and its growth from the small size to the
  large one; ``run_job`` and a 1 GB upload through the local emulator (client and emulator in the
  one measured process, so the figure covers both);
- ``import x_compliance`` against ``import httpx``, each in a fresh interpreter.

It exits 1 when a goal is missed by more than the run's noise, 0 otherwise. Generated files go to a
temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import importlib.util
import itertools
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

if __package__ in (None, ""):  # run as a script: make the repository's packages importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks import _measure as m
from tests.benchmarks import _sweeps
from tests.benchmarks._measure import Goal, Report

TOKEN = "bench-token"
JOB_ID = "1446017776678801409"

PER_CALL_GOAL = Goal(1.15, at_most=True)
ITER_RESULTS_GOAL = Goal(0.6, at_most=False)
TRANSFER_GOAL = Goal(0.9, at_most=False)
PEAK_MB_GOAL = Goal(100, at_most=True)
GROWTH_MB_GOAL = Goal(10, at_most=True)
"""Flat: a streaming client's peak may not grow by more than this from the small size to the large."""
IMPORT_GOAL = Goal(1.5, at_most=True)


@dataclass(frozen=True)
class Sizes:
    call_rounds: int
    get_calls: int
    list_calls: int
    """Rounds of the per-call cases, and calls per round: many short rounds, so that each ratio
    compares contenders run within a few hundredths of a second of each other."""
    peer_rounds: int
    """Rounds of each peer's per-call and import cases (no goal hangs on them)."""
    iter_rounds: int
    """Rounds of iter_results: each reads the results file twice, in about ten seconds."""
    transfer_rounds: int
    """Rounds of download_results and upload_ids, each a second or less: more of them, so that the
    median holds against the machine's swings from round to round."""
    results: int
    """Lines of the results file for the throughput cases."""
    ids: int
    """IDs in the upload file for the throughput case."""
    memory: tuple[int, int]
    """Lines (results) or IDs (uploads) for the memory cases: the small size and the large one."""
    import_rounds: int
    run_job_ids: int
    emulator_upload_bytes: int


FULL = Sizes(
    call_rounds=41,
    get_calls=50,
    list_calls=8,
    peer_rounds=15,
    iter_rounds=5,
    transfer_rounds=15,
    results=1_000_000,
    ids=10_000_000,
    memory=(1_000_000, 5_000_000),
    import_rounds=25,
    run_job_ids=5_000_000,
    emulator_upload_bytes=1_000_000_000,
)
QUICK = Sizes(
    call_rounds=5,
    get_calls=20,
    list_calls=4,
    peer_rounds=3,
    iter_rounds=3,
    transfer_rounds=3,
    results=20_000,
    ids=100_000,
    memory=(20_000, 100_000),
    import_rounds=3,
    run_job_ids=20_000,
    emulator_upload_bytes=2_000_000,
)
CHILD_TIMEOUT = 600.0


# Data ------------------------------------------------------------------------------------------

FIRST_ID = 1446017776678801409
ID_STEP = 104729
"""Upload IDs: 19-digit snowflakes, FIRST_ID + n * ID_STEP (X's post IDs have had 19 digits since 2013)."""
REASONS = ("deleted", "suspended", "protected", "scrub_geo")


def write_ids(path: Path, count: int) -> None:
    with path.open("wb") as file:
        for start in range(0, count, 1_000_000):
            stop = min(count, start + 1_000_000)
            ids = range(FIRST_ID + start * ID_STEP, FIRST_ID + stop * ID_STEP, ID_STEP)
            file.write(("\n".join(map(str, ids)) + "\n").encode())


def write_results(path: Path, count: int) -> None:
    """A results file as X writes it: ids, reasons and timestamps vary; one line in seven has no
    ``redacted_at``."""
    day = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.{s * 37 % 1000:03d}Z" for s in range(86400)]
    with path.open("wb") as file:
        for start in range(0, count, 100_000):
            lines = []
            for n in range(start, min(count, start + 100_000)):
                head = (
                    f'{{"id":"{FIRST_ID + n * ID_STEP}","action":"delete",'
                    f'"created_at":"2021-{n % 12 + 1:02d}-{n % 28 + 1:02d}T{day[n % 86400]}"'
                )
                redacted = (
                    "" if n % 7 == 0 else f',"redacted_at":"2022-06-{n % 30 + 1:02d}T{day[n * 7 % 86400]}"'
                )
                lines.append(f'{head}{redacted},"reason":"{REASONS[n % 4]}"}}\n')
            file.write("".join(lines).encode())


def results_file(data: Path, lines: int) -> Path:
    """The results file of ``lines`` lines in ``data``, written on first use."""
    path = data / f"results-{lines}.jsonl"
    if not path.exists():
        write_results(path, lines)
    return path


def ids_file(data: Path, count: int) -> Path:
    """The upload file of ``count`` IDs in ``data``, written on first use."""
    path = data / f"ids-{count}.txt"
    if not path.exists():
        write_ids(path, count)
    return path


_job_ids = itertools.count(int(JOB_ID))


def job_for(base_url: str, name: str, status: str = "complete") -> Any:
    """A job (complete, or waiting for its upload) whose signed URLs point at the server's ``name``:
    a new job each time (a client sends one upload per job)."""
    import x_compliance as xc

    signed = "?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Signature=0123456789abcdef"
    return xc.ComplianceJob.from_dict(
        {
            "id": str(next(_job_ids)),
            "type": "tweets",
            "status": status,
            "created_at": "2021-10-07T07:41:18.000Z",
            "upload_url": f"{base_url}/upload/{name}{signed}",
            "upload_expires_at": "2099-10-07T07:56:18.000Z",
            "download_url": f"{base_url}/download/{name}{signed}",
            "download_expires_at": "2099-10-14T07:41:18.000Z",
        }
    )


@contextlib.contextmanager
def local_server(data: Path) -> Iterator[str]:
    """The benchmark server, in its own process, serving ``data``; its base URL."""
    server = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("_server.py")), str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        assert server.stdin is not None
        server.stdin.close()  # the server's signal to stop
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# The bare baselines ------------------------------------------------------------------------------


def bare_iter_results(http: Any, url: str) -> int:
    """Bare httpx: stream the body, split it into lines, ``orjson.loads`` each; how many lines."""
    count = 0
    partial = b""
    with http.stream("GET", url) as response:
        for chunk in response.iter_raw():
            data = partial + chunk
            end = data.rfind(b"\n") + 1
            partial = data[end:]
            for line in data[:end].splitlines():
                orjson.loads(line)
                count += 1
    return count


def bare_download(http: Any, url: str, path: Path) -> None:
    """Bare httpx: stream the body into a file."""
    with http.stream("GET", url) as response, path.open("wb") as file:
        for chunk in response.iter_raw():
            file.write(chunk)


def bare_upload(http: Any, url: str, path: Path) -> None:
    """Bare httpx: PUT the file, streamed by httpx from the open file."""
    with path.open("rb") as file:
        response = http.put(url, content=file, headers={"Content-Type": "text/plain"})
    response.raise_for_status()


# Cases -----------------------------------------------------------------------------------------


def repeat(call: Callable[[], object], times: int) -> m.Block:
    def block() -> float:
        started = time.perf_counter()
        for _ in range(times):
            call()
        return time.perf_counter() - started

    return block


def repeat_async(runner: asyncio.Runner, call: Callable[[], Any], times: int) -> m.Block:
    async def timed() -> float:
        started = time.perf_counter()
        for _ in range(times):
            await call()
        return time.perf_counter() - started

    return lambda: runner.run(timed())


def per_call(report: Report, base_url: str, data: Path, sizes: Sizes, peers: list[str]) -> None:
    """get_job and list_jobs, sync and async, against bare httpx; the peers beside them."""
    import httpx

    import x_compliance as xc
    from tests.benchmarks import _peers

    bare = httpx.Client()
    ours = xc.ComplianceClient(bearer_token=TOKEN, base_url=base_url)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    job_url = f"{base_url}/2/compliance/jobs/{JOB_ID}"
    list_url = f"{base_url}/2/compliance/jobs"
    peer_calls = {peer: _peers.calls(peer, base_url, TOKEN, JOB_ID) for peer in peers}
    sync_cases: dict[str, tuple[int, Callable[[], object], Callable[[], object]]] = {
        "get_job": (
            sizes.get_calls,
            lambda: ours.get_job(JOB_ID),
            lambda: orjson.loads(bare.get(job_url, headers=headers).content),
        ),
        "list_jobs": (
            sizes.list_calls,
            lambda: ours.list_jobs("tweets"),
            lambda: orjson.loads(bare.get(list_url, params={"type": "tweets"}, headers=headers).content),
        ),
    }
    for case, (times, ours_call, bare_call) in sync_cases.items():
        base = repeat(bare_call, times)
        contenders = {"x-compliance": repeat(ours_call, times)}
        contenders |= {peer: repeat(calls[case], times) for peer, calls in peer_calls.items()}
        for contender, block in contenders.items():
            block(), base()  # warm up: connections open, caches filled
            rounds = sizes.call_rounds if contender == "x-compliance" else sizes.peer_rounds
            goal = PER_CALL_GOAL if contender == "x-compliance" else None
            report.add(m.time_figure(f"{case} (sync)", contender, m.paired(block, base, rounds), times, goal))
    ours.close()
    bare.close()

    with asyncio.Runner() as runner:
        abare = httpx.AsyncClient()
        aours = xc.AsyncComplianceClient(bearer_token=TOKEN, base_url=base_url)
        async_cases: dict[str, tuple[int, Callable[[], Any], Callable[[], Any]]] = {
            "get_job": (sizes.get_calls, lambda: aours.get_job(JOB_ID), lambda: _aget(abare, job_url, {})),
            "list_jobs": (
                sizes.list_calls,
                lambda: aours.list_jobs("tweets"),
                lambda: _aget(abare, list_url, {"type": "tweets"}),
            ),
        }
        for case, (times, ours_call, bare_call) in async_cases.items():
            block, base = repeat_async(runner, ours_call, times), repeat_async(runner, bare_call, times)
            block(), base()
            paired = m.paired(block, base, sizes.call_rounds)
            report.add(m.time_figure(f"{case} (async)", "x-compliance", paired, times, PER_CALL_GOAL))
            if peers:
                report.add(m.Figure(f"{case} (async)", ", ".join(peers), "n/a", "", note="no async client"))
        runner.run(aours.close())
        runner.run(abare.aclose())


async def _aget(http: Any, url: str, params: dict[str, str]) -> object:
    response = await http.get(url, params=params, headers={"Authorization": f"Bearer {TOKEN}"})
    return orjson.loads(response.content)


def transfers(report: Report, base_url: str, data: Path, sizes: Sizes, peers: list[str]) -> None:
    """iter_results, download_results and upload_ids against bare httpx streaming."""
    import httpx

    import x_compliance as xc

    bare = httpx.Client()
    ours = xc.ComplianceClient(bearer_token=TOKEN, base_url=base_url)
    results_path = results_file(data, sizes.results)
    results = job_for(base_url, results_path.name)
    results_bytes = results_path.stat().st_size
    ids_path = ids_file(data, sizes.ids)
    bare_upload_url = job_for(base_url, ids_path.name, status="created").upload_url
    out = data / "downloaded"

    def ours_iter() -> None:
        assert sum(1 for _ in ours.iter_results(results)) == sizes.results

    def bare_iter() -> None:
        assert bare_iter_results(bare, results.download_url) == sizes.results

    cases: list[tuple[str, m.Block, m.Block, float, str, Goal, int]] = [
        (
            "iter_results",
            m.timed(ours_iter),
            m.timed(bare_iter),
            sizes.results,
            "records/s",
            ITER_RESULTS_GOAL,
            sizes.iter_rounds,
        ),
        (
            "download_results",
            m.timed(lambda: ours.download_results(results, out.with_suffix(".ours"))),
            m.timed(lambda: bare_download(bare, results.download_url, out.with_suffix(".bare"))),
            results_bytes,
            "MB/s",
            TRANSFER_GOAL,
            sizes.transfer_rounds,
        ),
        (
            "upload_ids",
            m.timed(lambda: ours.upload_ids(job_for(base_url, ids_path.name, status="created"), ids_path)),
            m.timed(lambda: bare_upload(bare, bare_upload_url, ids_path)),
            ids_path.stat().st_size,
            "MB/s",
            TRANSFER_GOAL,
            sizes.transfer_rounds,
        ),
    ]
    for case, ours_block, bare_block, amount, unit, goal, rounds in cases:
        ours_block(), bare_block()  # warm up: the file in the page cache, the connection open
        paired = m.paired(ours_block, bare_block, rounds)
        report.add(m.rate_figure(case, "x-compliance", paired, amount, unit, goal))
        if peers:
            report.add(m.Figure(case, ", ".join(peers), "n/a", "", note="no such helper"))
    ours.close()
    bare.close()


def memory(report: Report, base_url: str, data: Path, sizes: Sizes, peers: list[str]) -> None:
    """Peak RSS of each transfer, in a fresh process, at the small and the large size."""
    small, large = sizes.memory
    for size in (small, large):  # written here, so that no child pays for it
        results_file(data, size), ids_file(data, size)
    runs = [
        (case, contender, size)
        for case in ("iter_results", "download_results", "upload_ids")
        for size in (small, large)
        for contender in ("x-compliance", "bare httpx")
    ]
    # Two at a time (one per core): each is its own process, so neither's peak counts in the other's.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        children = pool.map(
            lambda run: m.run_child(["memory", *run[:2], base_url, str(data), str(run[2])], CHILD_TIMEOUT),
            runs,
        )
        peaks = {run: child["peak_mb"] for run, child in zip(runs, children, strict=True)}
    for case in ("iter_results", "download_results", "upload_ids"):
        for size in (small, large):
            unit = "IDs" if case == "upload_ids" else "lines"
            report.add(
                m.Figure(
                    f"{case} peak RSS, {size:,} {unit}",
                    "x-compliance",
                    f"{peaks[case, 'x-compliance', size]:.0f} MB",
                    f"{peaks[case, 'bare httpx', size]:.0f} MB",
                    goal=PEAK_MB_GOAL,
                    judged=peaks[case, "x-compliance", size],
                )
            )
        growth = peaks[case, "x-compliance", large] - peaks[case, "x-compliance", small]
        report.add(
            m.Figure(
                f"{case} peak RSS growth, {small:,} to {large:,}",
                "x-compliance",
                f"{growth:+.1f} MB",
                f"{peaks[case, 'bare httpx', large] - peaks[case, 'bare httpx', small]:+.1f} MB",
                goal=GROWTH_MB_GOAL,
                judged=growth,
            )
        )


def emulator(report: Report, base_url: str, data: Path, sizes: Sizes, peers: list[str]) -> None:
    """run_job and a large upload through the local emulator, client and emulator in one process."""
    cases = [
        ("run_job peak RSS", ["run_job", str(data), str(sizes.run_job_ids)], f"{sizes.run_job_ids:,} IDs"),
        (
            "upload_ids via emulator peak RSS",
            ["emulator_upload", str(data), str(sizes.emulator_upload_bytes // 20)],
            f"{sizes.emulator_upload_bytes / 1e9:g} GB",
        ),
    ]
    available = importlib.util.find_spec("x_compliance.emulator") is not None
    for case, args, size in cases:
        if not available:
            report.add(
                m.Figure(f"{case}, {size}", "x-compliance", "", "", note="skipped: emulator not available")
            )
            continue
        ids_file(data, int(args[-1]))
        child = m.run_child(args, CHILD_TIMEOUT)
        report.add(
            m.Figure(
                f"{case}, {size}",
                "x-compliance + emulator",
                f"{child['peak_mb']:.0f} MB in {child['seconds']:.0f} s",
                "(none)",
                goal=PEAK_MB_GOAL,
                judged=child["peak_mb"],
            )
        )


def imports(report: Report, base_url: str, data: Path, sizes: Sizes, peers: list[str]) -> None:
    """``import x_compliance`` (and each peer) against ``import httpx``, in fresh interpreters."""
    bytecode = data / "bytecode"

    def importing(module: str) -> m.Block:
        return lambda: m.import_seconds(module, bytecode)

    base = importing("httpx")
    for module in ("httpx", "x_compliance", *peers):  # the first import compiles the bytecode: not timed
        importing(module)()
    for contender, module in {"x-compliance": "x_compliance", **{peer: peer for peer in peers}}.items():
        rounds = sizes.import_rounds if contender == "x-compliance" else sizes.peer_rounds
        paired = m.paired(importing(module), base, rounds)
        ratio, noise = paired.ratio_and_noise(rate=False)
        goal = IMPORT_GOAL if contender == "x-compliance" else None
        report.add(
            m.Figure(
                f"import {module}",
                contender,
                f"{statistics.median(paired.ours) * 1e3:.0f} ms",
                f"{statistics.median(paired.baseline) * 1e3:.0f} ms (httpx)",
                ratio,
                noise,
                goal,
                ratio,
            )
        )


SECTIONS = {
    "per_call": per_call,
    "transfers": transfers,
    "memory": memory,
    "emulator": emulator,
    "import": imports,
    "sweeps": _sweeps.sweeps,  # the sweep's gather and apply against bare parsing (_sweeps.py)
}


# Fresh-process cases (``bench.py --child ...``) --------------------------------------------------


def child(args: list[str]) -> dict[str, Any]:
    """One memory case, run in this fresh process; what it measured."""
    import httpx

    started = time.perf_counter()
    kind = args[0]
    if kind == "sweep":
        return _sweeps.child(args[1:])
    if kind == "memory":
        case, contender, base_url, folder, size = args[1:]
        data, count = Path(folder), int(size)
        http = httpx.Client()
        if contender == "x-compliance":
            import x_compliance as xc

            client = xc.ComplianceClient(bearer_token=TOKEN, base_url=base_url, http_client=http)
        name = (ids_file(data, count) if case == "upload_ids" else results_file(data, count)).name
        status = "created" if case == "upload_ids" else "complete"
        job = job_for(base_url, name, status) if contender == "x-compliance" else None
        url = f"{base_url}/{'upload' if case == 'upload_ids' else 'download'}/{name}"
        out = data / f"downloaded-{contender.replace(' ', '-')}-{count}"
        if case == "iter_results" and contender == "x-compliance":
            assert sum(1 for _ in client.iter_results(job)) == count
        elif case == "iter_results":
            assert bare_iter_results(http, url) == count
        elif case == "download_results" and contender == "x-compliance":
            client.download_results(job, out)
        elif case == "download_results":
            bare_download(http, url, out)
        elif contender == "x-compliance":
            client.upload_ids(job, data / name)
        else:
            bare_upload(http, url, data / name)
        out.unlink(missing_ok=True)
    elif kind in ("run_job", "emulator_upload"):
        import x_compliance as xc
        from x_compliance.emulator import Emulator

        folder, size = args[1:]
        source = ids_file(Path(folder), int(size))
        with Emulator(token=TOKEN, processing_seconds=0.0) as emu:
            client = xc.ComplianceClient(bearer_token=emu.token, base_url=emu.base_url)
            if kind == "run_job":
                done = client.run_job("tweets", source)
                assert done.status == "complete"
            else:
                client.upload_ids(client.create_job("tweets"), source)
            client.close()
    else:
        raise ValueError(f"unknown child case {kind!r}")
    return {"peak_mb": m.peak_rss_mb(), "seconds": time.perf_counter() - started}


# Main ------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="small sizes and few rounds: a smoke test")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    parser.add_argument("--no-peers", action="store_true", help="leave out tweepy, xdk and twarc")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return 0

    from tests.benchmarks import _peers

    sizes = QUICK if args.quick else FULL
    peers = [] if args.no_peers else _peers.installed()
    started = time.monotonic()
    command = "bench.py" + (" --quick" if args.quick else "")
    print(f"# x-compliance benchmark ({command})\n", flush=True)
    print(f"Machine: {m.machine()}", flush=True)
    print(f"Peers: {', '.join(peers) or 'none (make bench installs them)'}\n", flush=True)
    report = Report()
    with tempfile.TemporaryDirectory(prefix="x-compliance-bench-") as folder:
        data = Path(folder)
        with local_server(data) as base_url:
            for name, section in SECTIONS.items():
                if args.only and name not in args.only:
                    continue
                print(f"{name}...", file=sys.stderr, flush=True)
                section(report, base_url, data, sizes, peers)
    print(report.table())
    print(f"\nMachine at the end: {m.machine()}")
    print(f"Took {time.monotonic() - started:.0f} s.")
    if report.failed:
        missed = ", ".join(f"{f.case} ({f.contender})" for f in report.failed)
        print(f"\nGoals missed by more than the run's noise: {missed}")
        return 1
    print("\nEvery goal met, or missed by less than the run's noise.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
