"""Whole sweeps on the in-process emulator: output, parts, resuming, expiries, X's failures, 409s."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

import x_compliance as xc
from tests.sweeps.conftest import Interrupted, stop_at
from tests.sweeps.datasets import CASES, expected_post, expected_user, read
from x_compliance.emulator import Emulator
from x_compliance.sweeps import DatasetChangedError, DatasetError, SweepError, runner

Run = Callable[..., xc.SweepReport]
DAY = 86_400


def outputs(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.name != "report.json"}


def test_sweep_writes_compliant_copies_removals_and_report(
    run: Run, datasets: list[Path], tmp_path: Path, emu: Emulator
) -> None:
    # when both shapes are swept
    report = run(name="audit-2026")
    out = tmp_path / "out"
    # then the copies keep their names and compression, without what the rules remove
    assert sorted(p.name for p in out.iterdir()) == [
        "flat.jsonl",
        "pages.jsonl.gz",
        "removals.jsonl",
        "removals.parquet",  # pyarrow is in the dev extra
        "report.json",
    ]
    assert (out / "pages.jsonl.gz").read_bytes()[:2] == b"\x1f\x8b"
    flat = [json.loads(x) for x in read(out / "flat.jsonl").splitlines()]
    assert [p["id"] for p in flat] == [
        p for p, a in CASES.values() if (expected_post(p, a) or ("scrub_geo",))[0] == "scrub_geo"
    ]
    pages = [json.loads(x) for x in read(out / "pages.jsonl.gz").splitlines()]
    assert all(
        u["id"] not in {a for _, a in CASES.values() if expected_user(a)}
        for p in pages
        for u in p["includes"]["users"]
    )
    # and removals.jsonl has one line per object, as the emulator's rule says
    removals = [json.loads(x) for x in (out / "removals.jsonl").read_text().splitlines()]
    posts = {r["id"]: (r["action"], r["reason"], r["via"]) for r in removals if r["kind"] == "post"}
    for post_id, author in CASES.values():
        assert posts.get(post_id) == expected_post(post_id, author)
    # and the report counts each object once, names its jobs and hashes its files
    assert report.name == "audit-2026"
    assert report.posts_removed == {
        "deleted": 3,
        "protected": 1,
        "suspended": 2,
    }  # 1000 1100 1130 / 1022 / 1011 1111
    assert report.posts_removed_via_author == {"deactivated": 1, "deleted": 1, "protected": 1, "suspended": 1}
    assert report.posts_geo_scrubbed == 1
    assert report.users_removed == {"deactivated": 1, "deleted": 1, "protected": 1, "suspended": 2}
    assert [(j.type, j.part, j.status) for j in report.jobs] == [
        ("tweets", 1, "complete"),
        ("users", 1, "complete"),
    ]
    assert {j.id for j in report.jobs} == {j["id"] for j in emu.jobs()}
    assert [d.lines for d in report.datasets] == [11, 9]
    assert json.loads((out / "report.json").read_text()) == report.to_dict()
    # and the state keeps the report for audits
    with sqlite3.connect(tmp_path / "state" / "sweeps.sqlite3") as db:
        kept = [json.loads(row[0]) for row in db.execute("SELECT report FROM reports")]
    assert kept == [report.to_dict()]


def test_ids_per_job_splits_the_ids_into_parts_one_job_each(run: Run, emu: Emulator) -> None:
    report = run(ids_per_job=4)
    tweets = [j for j in report.jobs if j.type == "tweets"]
    assert [j.ids for j in tweets] == [4, 4, 4, 1]  # 13 distinct post IDs
    assert all(len(emu.uploads(j.id or "")) == 1 for j in report.jobs)
    assert sum(emu.uploads(j.id or "")[0][1] for j in tweets) == report.post_ids == 13
    assert emu.job_count() == len(report.jobs)


def test_same_command_after_the_sweep_finished_makes_no_new_job(run: Run, emu: Emulator) -> None:
    first = run()
    again = run()
    assert again == first
    assert emu.job_count() == 2


def test_restart_begins_a_new_sweep(run: Run, tmp_path: Path, emu: Emulator) -> None:
    first = run()
    before = outputs(tmp_path / "out")
    second = run(restart=True)
    assert second.id != first.id and emu.job_count() == 4
    assert outputs(tmp_path / "out") == before


@pytest.mark.parametrize(
    ("message", "type"),
    [
        ("created", "tweets"),
        ("uploading", "users"),
        ("uploaded", "tweets"),
        ("downloading", "users"),
        ("downloaded", "tweets"),
        ("writing the compliant copy", None),
    ],
)
def test_interrupted_sweep_resumes_to_the_same_output_without_a_second_job(
    run: Run, tmp_path: Path, emu: Emulator, message: str, type: str
) -> None:
    # given an uninterrupted sweep's output
    run(output=tmp_path / "whole", state=tmp_path / "whole-state")
    jobs_before = emu.job_count()
    # when a sweep is interrupted right after a recorded step, then run again
    with pytest.raises(Interrupted):
        run(progress=stop_at(message, type))
    report = run()
    # then its output is the same, and each part had one job that took one upload
    assert outputs(tmp_path / "out") == outputs(tmp_path / "whole")
    assert emu.job_count() - jobs_before == 2
    assert all(len(emu.uploads(j.id or "")) == 1 and emu.downloads(j.id or "") == 1 for j in report.jobs)


def test_create_whose_answer_was_lost_is_found_by_its_name(
    run: Run, client: xc.ComplianceClient, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a run killed after X made its first job but before the sweep recorded it
    real = client.create_job

    def made_then_killed(*args: Any, **kwargs: Any) -> xc.ComplianceJob:
        real(*args, **kwargs)
        raise Interrupted("killed before the job was recorded")

    monkeypatch.setattr(client, "create_job", made_then_killed)
    with pytest.raises(Interrupted):
        run()
    monkeypatch.setattr(client, "create_job", real)
    # when the same command runs again
    report = run()
    # then the job is adopted, not made twice
    assert emu.job_count() == 2
    assert [j.attempt for j in report.jobs] == [1, 1]


def test_part_whose_upload_window_passed_while_nobody_ran_gets_a_new_job(run: Run, emu: Emulator) -> None:
    with pytest.raises(Interrupted):
        run(progress=stop_at("created", "tweets"))
    emu.advance(901)  # the 15-minute upload window passes
    report = run()
    tweets = [(j.attempt, j.status) for j in report.jobs if j.type == "tweets"]
    assert tweets == [(1, "expired"), (2, "complete")]
    assert emu.job_count("tweets") == 2


def test_part_whose_results_expired_while_nobody_ran_gets_a_new_job(
    run: Run, tmp_path: Path, emu: Emulator
) -> None:
    run(output=tmp_path / "whole", state=tmp_path / "whole-state")
    with pytest.raises(Interrupted):
        run(progress=stop_at("downloading", "users"))
    emu.advance(8 * DAY)  # results URLs last 7 days
    report = run()
    assert [(j.attempt, j.status) for j in report.jobs if j.type == "users"] == [
        (1, "expired"),
        (2, "complete"),
    ]
    assert outputs(tmp_path / "out") == outputs(tmp_path / "whole")


def _fail_each_tweets_job(client: xc.ComplianceClient, times: int) -> Callable[[Any], None]:
    """A progress callback that sends a bad file to each new tweets job before the sweep's upload,
    so that X (the emulator) fails it."""
    failed = 0

    def progress(event: Any) -> None:
        nonlocal failed
        if event.message == "created" and event.type == "tweets" and failed < times:
            failed += 1
            job = client.get_job(event.job_id)
            httpx.put(job.upload_url, content=b"not-an-id\n", headers={"Content-Type": "text/plain"})

    return progress


def test_failed_job_gets_one_new_job(run: Run, client: xc.ComplianceClient, emu: Emulator) -> None:
    report = run(progress=_fail_each_tweets_job(client, times=1))
    assert [(j.attempt, j.status) for j in report.jobs if j.type == "tweets"] == [
        (1, "failed"),
        (2, "complete"),
    ]


def test_second_failure_stops_the_sweep_naming_xs_error(
    run: Run, client: xc.ComplianceClient, tmp_path: Path
) -> None:
    with pytest.raises(SweepError, match="Line 1 is not a valid ID"):
        run(progress=_fail_each_tweets_job(client, times=2))
    assert not (tmp_path / "out").exists()


def test_job_of_the_type_held_by_someone_else_is_waited_out(
    run: Run, client: xc.ComplianceClient, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given another tool's tweets job, still waiting for its upload
    monkeypatch.setattr(runner, "CONFLICT_FIRST", 0.05)
    client.create_job("tweets", name="someone-else")
    waits = []

    def progress(event: Any) -> None:
        if event.message.startswith("waiting"):
            waits.append(event.type)
            emu.advance(901)  # its upload window passes, freeing the type

    # when the sweep runs, then it waits for the type instead of failing
    report = run(progress=progress)
    assert waits == ["tweets"]
    assert [j.status for j in report.jobs] == ["complete", "complete"]


# Refused before any job ----------------------------------------------------------------------


def test_bad_dataset_stops_before_any_job_and_writes_nothing(run: Run, tmp_path: Path, emu: Emulator) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b'{"id": "1", "author_id": "2"}\n{"author_id": "2"}\n')
    with pytest.raises(DatasetError, match=r"bad.jsonl, line 2"):
        run(datasets=[bad])
    assert emu.job_count() == 0
    assert not (tmp_path / "out").exists()


def test_output_folder_that_cannot_be_written_is_refused_before_any_job(
    run: Run, tmp_path: Path, emu: Emulator
) -> None:
    (tmp_path / "a-file").write_text("")
    with pytest.raises(OSError, match="cannot write the output folder"):
        run(output=tmp_path / "a-file" / "out")
    assert emu.job_count() == 0


def test_dataset_changed_since_the_sweep_began_is_refused_until_restart(
    run: Run, datasets: list[Path], emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(Interrupted):
        run(progress=stop_at("created", "users"))
    datasets[1].write_bytes(datasets[1].read_bytes() + b'{"id": "1195", "author_id": "2195"}\n')
    with pytest.raises(DatasetChangedError, match=r"flat\.jsonl changed"):
        run()
    # the abandoned sweep's users job holds the type until its upload window passes
    monkeypatch.setattr(runner, "CONFLICT_FIRST", 0.05)
    free = lambda event: event.message.startswith("waiting") and emu.advance(901)  # noqa: E731
    report = run(restart=True, progress=free)
    assert report.datasets[1].lines == 10


def test_state_of_an_unfinished_sweep_of_other_datasets_is_refused(run: Run, datasets: list[Path]) -> None:
    with pytest.raises(Interrupted):
        run(progress=stop_at("created", "users"))
    with pytest.raises(SweepError, match="unfinished sweep of other datasets"):
        run(datasets=datasets[:1])


def test_dataset_changed_while_the_jobs_ran_is_refused_and_its_copy_not_written(
    run: Run, datasets: list[Path], tmp_path: Path
) -> None:
    def change_it(event: Any) -> None:
        if event.message == "downloaded" and event.type == "users":
            datasets[1].write_bytes(datasets[1].read_bytes().replace(b"post 1085", b"post 1O85"))

    with pytest.raises(DatasetChangedError, match=r"flat\.jsonl changed"):
        run(progress=change_it)
    assert not (tmp_path / "out" / "flat.jsonl").exists()
    assert not list((tmp_path / "out").glob("*.part")) and not list((tmp_path / "out").glob(".*.part"))


def test_create_that_may_have_reached_x_is_looked_for_before_it_is_sent_again(
    run: Run, client: xc.ComplianceClient, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a create X acted on whose answer was lost, reported as a transient error
    real = client.create_job
    lost = []

    def made_but_lost(*args: Any, **kwargs: Any) -> xc.ComplianceJob:
        job = real(*args, **kwargs)
        if not lost:
            lost.append(job.id)
            raise xc.APIConnectionError("the job may exist")
        return job

    monkeypatch.setattr(client, "create_job", made_but_lost)
    monkeypatch.setattr(runner, "TRANSIENT_FIRST", 0.01)
    # when the sweep tries again, then it adopts that job (a second create would wait on a 409)
    report = run(timeout=10)
    assert lost[0] in {j.id for j in report.jobs}
    assert emu.job_count() == 2


def test_progress_tells_phases_parts_jobs_statuses_and_bytes(run: Run) -> None:
    events: list[Any] = []
    run(progress=events.append, ids_per_job=5)
    assert events[0].phase == "gather" and events[-1].phase == "done"
    assert {"gather", "jobs", "apply", "done"} <= {e.phase for e in events}
    uploads = [e for e in events if e.message == "uploading IDs"]
    downloads = [e for e in events if e.message == "downloading results"]
    assert uploads and all(
        e.bytes_up > 0 and e.job_id and e.parts == (3 if e.type == "tweets" else 2) for e in uploads
    )
    assert downloads and max(e.bytes_down for e in downloads) == max(e.total or 0 for e in downloads)
    assert {e.status for e in events if e.phase == "jobs"} >= {"created", "complete"}


# Found in review ----------------------------------------------------------------------------------


def test_posts_without_author_ids_and_empty_pages_are_swept(
    client: xc.ComplianceClient, tmp_path: Path
) -> None:
    # given flat posts with no author_id, and pages without authors followed by empty pages
    flat = tmp_path / "flat.jsonl"
    flat.write_text('{"id":"1790000000000000010","text":"x"}\n{"id":"1790000000000000015","text":"y"}\n')
    pages = tmp_path / "pages.jsonl"
    empty = '{"data":[],"meta":{"result_count":0}}\n'
    pages.write_text('{"data":[{"id":"1790000000000000020"}],"meta":{}}\n' + empty * 3000)

    # when they are swept
    report = xc.sweep(client, [flat, pages], tmp_path / "out", state=tmp_path / "state")

    # then the posts are judged by their own results, the empty pages kept as they were
    assert (tmp_path / "out" / "flat.jsonl").read_text() == '{"id":"1790000000000000015","text":"y"}\n'
    assert (tmp_path / "out" / "pages.jsonl").read_text().endswith(empty * 3000)
    assert report.posts_removed == {"deleted": 2}


def test_flat_post_whose_embedded_author_was_removed_is_removed(
    client: xc.ComplianceClient, tmp_path: Path
) -> None:
    # given a flat post whose author is only its embedded author object, a deleted user
    flat = tmp_path / "flat.jsonl"
    flat.write_text('{"id":"1790000000000000015","author":{"id":"1400000000"},"text":"x"}\n')

    # when it is swept
    report = xc.sweep(client, [flat], tmp_path / "out", state=tmp_path / "state")

    # then the post goes because of its author, and both are logged
    assert (tmp_path / "out" / "flat.jsonl").read_bytes() == b""
    assert report.posts_removed_via_author == {"deleted": 1}
    removals = (tmp_path / "out" / "removals.jsonl").read_text().splitlines()
    assert [json.loads(r)["kind"] for r in removals] == ["post", "user"]


def test_a_refused_dataset_leaves_the_state_free_for_another_sweep(
    client: xc.ComplianceClient, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text":"no id"}\n')
    good = tmp_path / "good.jsonl"
    good.write_text('{"id":"1790000000000000011","author_id":"1400000005"}\n')
    with pytest.raises(xc.DatasetError):
        xc.sweep(client, [bad], tmp_path / "out", state=tmp_path / "state")

    report = xc.sweep(client, [good], tmp_path / "out", state=tmp_path / "state")

    assert report.posts_removed == {"suspended": 1}
