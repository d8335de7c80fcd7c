"""Whole sweeps of CSV and Parquet datasets on the in-process emulator, beside JSON lines."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import x_compliance as xc
from tests.sweeps.datasets import CASES, expected_post
from tests.sweeps.test_csv import rows_for_cases, write_csv
from tests.sweeps.test_parquet import cases_dataset
from x_compliance.emulator import Emulator
from x_compliance.sweeps import DatasetError

Run = Callable[..., xc.SweepReport]


def kept(post_id: str, author: str) -> bool:
    decision = expected_post(post_id, author)
    return decision is None or decision[0] == "scrub_geo"


def test_sweep_of_csv_gzip_and_parquet_writes_each_copy_and_removals_parquet(
    run: Run, datasets: list[Path], tmp_path: Path
) -> None:
    # given a gzipped CSV and a Parquet dataset beside the JSON-lines ones
    csv_path = write_csv(tmp_path / "data" / "posts.csv.gz", rows_for_cases(), compressed=True)
    parquet_path = cases_dataset(tmp_path / "data" / "posts.parquet")
    # when they are swept together
    report = run(datasets=[*datasets, csv_path, parquet_path])
    out = tmp_path / "out"
    # then each copy keeps its format and what the rules keep, and removals.parquet matches removals.jsonl
    rows = list(csv.DictReader(io.StringIO(gzip.decompress((out / "posts.csv.gz").read_bytes()).decode())))
    assert [row["id"] for row in rows] == [p for p, a in CASES.values() if kept(p, a)]
    table = pq.read_table(out / "posts.parquet")
    assert table.schema.equals(pq.read_schema(parquet_path), check_metadata=True)
    expected_rows = [p for p, a in CASES.values() if kept(p, a)]
    expected_rows += [str(int(p) + 1000) for p, a in CASES.values() if kept(str(int(p) + 1000), a)]
    assert table.column("id").to_pylist() == expected_rows
    jsonl = (out / "removals.jsonl").read_text().splitlines()
    assert len(pq.read_table(out / "removals.parquet").to_pylist()) == len(jsonl) > 0
    assert {Path(o.path).name for o in report.outputs} >= {
        "posts.csv.gz",
        "posts.parquet",
        "removals.parquet",
    }
    assert [d.posts for d in report.datasets][-2:] == [len(CASES), 2 * len(CASES)]


def test_bad_csv_row_stops_the_sweep_before_any_job(run: Run, tmp_path: Path, emu: Emulator) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(b"id,author_id\n1000,2085\n1001,twenty\n")
    with pytest.raises(DatasetError, match=r"bad\.csv, line 3: author_id is not 1-19 digits"):
        run(datasets=[source])
    assert not (tmp_path / "out").exists()
    assert emu.jobs() == []
