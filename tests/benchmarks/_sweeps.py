"""The sweep's data steps measured against bare parsing (``bench.py --only sweeps``).

Gather (every post and user ID of a dataset, checked, into sorted arrays) and apply (the compliant
copy, with each decision logged) are bound by parsing when they run at least 0.6 times as fast
(MB/s of the dataset) as the bare loops beside them, measured in the same run on the same generated
dataset:

- gather: orjson parses each line and the post and author IDs go into a Python set;
- apply: orjson parses each line, its post's ID is looked up in a Python set of the removed IDs,
  and the line is written.

Both shapes of JSON lines are measured: flat posts (``twarc2 flatten``: many short lines, the
harder case for a sweep's own work per line) and response pages (100 posts a line). Peak memory of
each step (VmHWM, a fresh process each) is judged against the sweep's bound, 100 MB plus 24 bytes
per distinct post and user ID, on datasets of the small and the large size (1M and 5M posts in the
full run), and on a dataset of the large size that repeats the small one's IDs: memory must stay
flat when the dataset grows and its distinct IDs do not.
"""

from __future__ import annotations

import concurrent.futures
import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from tests.benchmarks import _measure as m
from tests.benchmarks._measure import Goal, Report

SWEEP_GOAL = Goal(0.6, at_most=False)
GROWTH_MB_GOAL = Goal(10, at_most=True)
BOUND_FIXED_MB = 100.0
BOUND_BYTES_PER_ID = 24
CHILD_TIMEOUT = 900.0
THROUGHPUT_POSTS = 200_000
"""Posts of the throughput datasets (fewer with ``--quick``): about 200 MB of JSON lines each."""

FIRST_POST = 1446017776678801409
POST_STEP = 104729
FIRST_USER = 1_000_000_007
USER_STEP = 7919
POSTS_PER_AUTHOR = 10
POSTS_PER_PAGE = 100
REMOVED_POST_EVERY = 20
"""One post in 20 has a result (its reason cycling through X's four), one author in 50."""
REMOVED_AUTHOR_EVERY = 50
POST_REASONS = ("deleted", "suspended", "protected", "scrub_geo")


# Data --------------------------------------------------------------------------------------------


def post_id(n: int) -> int:
    return FIRST_POST + n * POST_STEP


def author_of(n: int, posts: int) -> int:
    """Post n's author: posts / 10 distinct authors, spread over the posts."""
    return FIRST_USER + (n * 7 % max(posts // POSTS_PER_AUTHOR, 1)) * USER_STEP


def rich_post(n: int, posts: int) -> dict[str, Any]:
    """A post as ``twarc2 flatten`` writes it (about 1 kB), with its author embedded."""
    author = author_of(n, posts)
    second = n % 86400
    created = f"2022-{n % 12 + 1:02d}-{n % 28 + 1:02d}T{second // 3600:02d}:{second // 60 % 60:02d}:00.000Z"
    post: dict[str, Any] = {
        "id": str(post_id(n)),
        "text": f"Post number {n} about #compliance and the weather in town, with a link https://t.co/{n:x}",
        "edit_history_tweet_ids": [str(post_id(n))],
        "author_id": str(author),
        "conversation_id": str(post_id(n - n % 5)),
        "created_at": created,
        "lang": ("en", "fr", "de", "es")[n % 4],
        "possibly_sensitive": False,
        "reply_settings": "everyone",
        "public_metrics": {
            "retweet_count": n % 17,
            "reply_count": n % 5,
            "like_count": n % 101,
            "quote_count": n % 3,
            "bookmark_count": n % 7,
            "impression_count": n % 9973,
        },
        "entities": {
            "hashtags": [{"start": 20, "end": 31, "tag": "compliance"}],
            "urls": [{"start": 70, "end": 93, "url": f"https://t.co/{n:x}", "expanded_url": "https://x.com"}],
        },
    }
    if n % 10 == 3:
        post["geo"] = {
            "place_id": "01a9a39529b27f36",
            "coordinates": {"type": "Point", "coordinates": [2.3, 48.8]},
        }
    post["author"] = {
        "id": str(author),
        "username": f"user{author % 100000}",
        "name": "A Name ✓",
        "created_at": "2012-03-04T05:06:07.000Z",
        "verified": False,
        "public_metrics": {"followers_count": author % 5000, "following_count": 321, "tweet_count": 4567},
        "description": "Researcher of things; opinions my own.",
    }
    post["__twarc"] = {
        "url": "https://api.twitter.com/2/tweets/search/all?query=compliance&max_results=100",
        "version": "2.14.0",
        "retrieved_at": "2024-01-02T03:04:05+00:00",
    }
    return post


def write_flat(path: Path, posts: int) -> None:
    with path.open("wb") as file:
        for start in range(0, posts, 10_000):
            file.write(
                b"".join(
                    orjson.dumps(rich_post(n, posts)) + b"\n"
                    for n in range(start, min(posts, start + 10_000))
                )
            )


def write_pages(path: Path, posts: int) -> None:
    """Response pages of 100 posts each (the author embedded only in ``includes.users``)."""
    with path.open("wb") as file:
        for start in range(0, posts, POSTS_PER_PAGE):
            data = [rich_post(n, posts) for n in range(start, min(posts, start + POSTS_PER_PAGE))]
            users = {p["author_id"]: p.pop("author") for p in data}
            for p in data:
                p.pop("__twarc")
            page = {
                "data": data,
                "includes": {"users": list(users.values())},
                "meta": {"result_count": len(data), "next_token": f"b26v89c19zqg8o3fpzbkk{start}"},
                "__twarc": {"url": "https://api.twitter.com/2/tweets/search/all", "version": "2.14.0"},
            }
            file.write(orjson.dumps(page) + b"\n")


def flattened(record: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """A post's fields as ``twarc-csv`` names its columns: nested objects by dotted names, lists as JSON."""
    fields: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, dict):
            fields |= flattened(value, f"{prefix}{key}.")
        else:
            fields[prefix + key] = orjson.dumps(value).decode() if isinstance(value, list) else value
    return fields


def write_csv(path: Path, posts: int) -> None:
    """The flat posts as CSV, one row each; every column of the posts, ``id`` first."""
    rows = (flattened(rich_post(n, posts)) for n in range(posts))
    columns = ["id", *sorted({*flattened(rich_post(3, posts)), *flattened(rich_post(0, posts))} - {"id"})]
    with path.open("w", newline="", encoding="utf-8") as file:
        sink = csv.DictWriter(file, columns, lineterminator="\n")
        sink.writeheader()
        sink.writerows(rows)


def write_compact(path: Path, posts: int, distinct: int) -> None:
    """Short flat posts for the memory cases: ``posts`` lines over ``distinct`` post IDs (repeated
    in order when there are more lines than IDs)."""
    with path.open("wb") as file:
        for start in range(0, posts, 100_000):
            lines = [
                f'{{"id":"{post_id(n % distinct)}","author_id":"{author_of(n % distinct, distinct)}",'
                f'"text":"post {n % distinct}","lang":"en"}}\n'
                for n in range(start, min(posts, start + 100_000))
            ]
            file.write("".join(lines).encode())


def write_results(path: Path, posts: int) -> None:
    """What the tweets and users jobs would find for a dataset of ``posts`` posts: results lines as
    X writes them, posts first then users (the sweep reads both kinds from its results files)."""
    with path.open("wb") as file:
        for n in range(0, posts, REMOVED_POST_EVERY):
            reason = POST_REASONS[n // REMOVED_POST_EVERY % 4]
            file.write(b'{"id":"%d","action":"delete","created_at":"2021-01-01T00:00:00.000Z",' % post_id(n))
            file.write(b'"redacted_at":"2022-06-01T00:00:00.000Z","reason":"%s"}\n' % reason.encode())
        file.write(b"\n")  # the users' results follow the blank line
        for a in range(0, max(posts // POSTS_PER_AUTHOR, 1), REMOVED_AUTHOR_EVERY):
            user = FIRST_USER + a * USER_STEP
            file.write(b'{"id":"%d","action":"delete","created_at":"2021-01-01T00:00:00.000Z",' % user)
            file.write(b'"reason":"suspended"}\n')


def dataset_file(data: Path, kind: str, posts: int, distinct: int | None = None) -> Path:
    """The generated dataset (``flat``, ``pages``, ``csv`` or ``compact``), written on first use."""
    distinct = distinct or posts
    path = data / f"sweep-{kind}-{posts}-{distinct}.{'csv' if kind == 'csv' else 'jsonl'}"
    if not path.exists():
        if kind == "flat":
            write_flat(path, posts)
        elif kind == "pages":
            write_pages(path, posts)
        elif kind == "csv":
            write_csv(path, posts)
        else:
            write_compact(path, posts, distinct)
    return path


def results_file(data: Path, posts: int) -> Path:
    path = data / f"sweep-results-{posts}.jsonl"
    if not path.exists():
        write_results(path, posts)
    return path


# The sweep's steps and the bare loops ------------------------------------------------------------


def read_results(path: Path) -> Any:
    """The sweep's ``Lookups`` from a results file, read line by line as the sweep reads its
    downloaded results (posts' results, a blank line, users' results)."""
    from x_compliance.sweeps.formats import Lookups
    from x_compliance.sweeps.ids import Verdicts

    with path.open("rb") as file:

        def pairs() -> Iterator[tuple[int, str]]:
            for line in file:
                if not line.strip():
                    return  # the end of this job type's results
                result = orjson.loads(line)
                yield int(result["id"]), str(result["reason"])

        return Lookups(Verdicts.from_results(pairs()), Verdicts.from_results(pairs()))


def ours_gather(path: Path) -> int:
    from x_compliance.sweeps.formats import detect
    from x_compliance.sweeps.ids import IdCollector

    dataset = detect(path)
    posts, users = IdCollector(), IdCollector()
    dataset.format.gather(dataset, posts, users)
    return len(posts.sorted()) + len(users.sorted())


def ours_apply(path: Path, lookups: Any, out: Path) -> int:
    from x_compliance.sweeps.decisions import RemovalLog
    from x_compliance.sweeps.formats import detect

    dataset, log = detect(path), RemovalLog()
    with out.open("wb") as file:
        dataset.format.apply(dataset, file, lookups, log)
    with out.with_suffix(".removals").open("wb") as file:
        return sum(file.write(removal.to_json()) > 0 for removal in log.removals())


def bare_gather(path: Path) -> int:
    """orjson parses each line; the post and author IDs go into a Python set."""
    ids: set[str] = set()
    with path.open("rb") as file:
        for line in file:
            record = orjson.loads(line)
            for post in record.get("data", (record,)):
                ids.add(post["id"])
                ids.add(post["author_id"])
            for user in record.get("includes", {}).get("users", ()):
                ids.add(user["id"])
    return len(ids)


def removed_set(results: Path) -> set[str]:
    """The bare loop's results: the IDs with an event, as a Python set of str."""
    return {orjson.loads(line)["id"] for line in io.BytesIO(results.read_bytes()) if line.strip()}


def bare_apply(path: Path, removed: set[str], out: Path) -> int:
    """orjson parses each line; its posts are looked up in the set; the line is written."""
    hits = 0
    with path.open("rb") as file, out.open("wb") as sink:
        for line in file:
            record = orjson.loads(line)
            for post in record.get("data", (record,)):
                hits += post["id"] in removed
            sink.write(line)
    return hits


def bare_csv_gather(path: Path) -> int:
    """``csv.reader`` parses each row; the post and author IDs go into a Python set."""
    ids: set[str] = set()
    with path.open(newline="", encoding="utf-8") as file:
        rows = csv.reader(file)
        header = next(rows)
        post, author = header.index("id"), header.index("author_id")
        for row in rows:
            ids.add(row[post])
            ids.add(row[author])
    return len(ids)


def bare_csv_apply(path: Path, removed: set[str], out: Path) -> int:
    """``csv.reader`` parses each row; its post is looked up in the set; the row is written."""
    hits = 0
    with path.open(newline="", encoding="utf-8") as file, out.open("w", newline="", encoding="utf-8") as sink:
        rows, write = csv.reader(file), csv.writer(sink, lineterminator="\n").writerow
        header = next(rows)
        write(header)
        post = header.index("id")
        for row in rows:
            hits += row[post] in removed
            write(row)
    return hits


# The section -------------------------------------------------------------------------------------


def sweeps(report: Report, base_url: str, data: Path, sizes: Any, peers: list[str]) -> None:
    """Gather and apply, flat posts and response pages, against the bare loops; peak memory."""
    small, large = sizes.memory
    throughput_posts = min(small, THROUGHPUT_POSTS)
    results = results_file(data, throughput_posts)
    for kind in ("flat", "pages", "csv"):
        path, label = dataset_file(data, kind, throughput_posts), f"{kind}, {throughput_posts:,} posts"
        throughput(report, kind, label, path, results, data / "sweep-out", sizes)
    memory(report, data, small, large)


def throughput(
    report: Report, kind: str, label: str, path: Path, results: Path, out: Path, sizes: Any
) -> None:
    """Gather and apply of the dataset at ``path``, each beside its bare loop, in MB/s. CSV is
    measured beside the ``csv`` module's loops, without a goal: the goals are set against orjson."""
    lookups = read_results(results)
    removed = removed_set(results)
    gather, apply = (bare_csv_gather, bare_csv_apply) if kind == "csv" else (bare_gather, bare_apply)
    goal = None if kind == "csv" else SWEEP_GOAL
    cases: list[tuple[str, Callable[[], object], Callable[[], object]]] = [
        ("gather", lambda: ours_gather(path), lambda: gather(path)),
        ("apply", lambda: ours_apply(path, lookups, out), lambda: apply(path, removed, out)),
    ]
    for step, ours, bare in cases:
        ours_block, bare_block = m.timed(ours), m.timed(bare)
        ours_block(), bare_block()  # warm up: the file in the page cache
        paired = m.paired(ours_block, bare_block, sizes.iter_rounds)
        case, amount = f"sweep {step} ({label})", path.stat().st_size
        report.add(m.rate_figure(case, "x-compliance", paired, amount, "MB/s", goal))


def memory(report: Report, data: Path, small: int, large: int) -> None:
    """Peak RSS of gather and apply in fresh processes, beside the bound and the bare loops."""
    shapes = [(small, small), (large, large), (large, small)]  # (posts, distinct posts)
    for posts, distinct in shapes:  # written here, so that no child pays for it
        dataset_file(data, "compact", posts, distinct), results_file(data, distinct)
    runs = [
        (step, contender, posts, distinct)
        for step in ("gather", "apply")
        for posts, distinct in shapes
        for contender in ("x-compliance", "bare")
    ]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        children = pool.map(
            lambda run: m.run_child(["sweep", *run[:2], str(data), str(run[2]), str(run[3])], CHILD_TIMEOUT),
            runs,
        )
        peaks = {run: child["peak_mb"] for run, child in zip(runs, children, strict=True)}
    for step in ("gather", "apply"):
        for posts, distinct in shapes:
            run = (step, "x-compliance", posts, distinct)
            ids = distinct + max(distinct // POSTS_PER_AUTHOR, 1)  # posts and their authors
            bound = BOUND_FIXED_MB + BOUND_BYTES_PER_ID * ids / 1e6
            of = "" if posts == distinct else f" of {distinct:,}"
            report.add(
                m.Figure(
                    f"sweep {step} peak RSS, {posts:,} posts{of} ({ids:,} IDs)",
                    "x-compliance",
                    f"{peaks[run]:.0f} MB",
                    f"{peaks[step, 'bare', posts, distinct]:.0f} MB (bare)",
                    goal=Goal(round(bound), at_most=True),
                    judged=peaks[run],
                )
            )
        growth = peaks[step, "x-compliance", large, small] - peaks[step, "x-compliance", small, small]
        report.add(
            m.Figure(
                f"sweep {step} peak RSS growth, {small:,} to {large:,} posts of {small:,}",
                "x-compliance",
                f"{growth:+.1f} MB",
                f"{peaks[step, 'bare', large, small] - peaks[step, 'bare', small, small]:+.1f} MB (bare)",
                goal=GROWTH_MB_GOAL,
                judged=growth,
            )
        )


def child(args: list[str]) -> dict[str, Any]:
    """One memory case (``sweep STEP CONTENDER FOLDER POSTS DISTINCT``), in this fresh process."""
    step, contender, folder, posts, distinct = args
    data = Path(folder)
    path = dataset_file(data, "compact", int(posts), int(distinct))
    results = results_file(data, int(distinct))
    out = data / f"sweep-out-{step}-{contender}-{posts}-{distinct}"
    if step == "gather" and contender == "x-compliance":
        ours_gather(path)
    elif step == "gather":
        bare_gather(path)
    elif contender == "x-compliance":
        ours_apply(path, read_results(results), out)
    else:
        bare_apply(path, removed_set(results), out)
    out.unlink(missing_ok=True)
    out.with_suffix(".removals").unlink(missing_ok=True)
    return {"peak_mb": m.peak_rss_mb()}
