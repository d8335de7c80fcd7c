"""Parquet datasets: read and written by row group, the schema kept, geo structs set to null."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.sweeps.datasets import CASES, expected_post, expected_user
from tests.sweeps.test_formats import apply, emulator_lookups, gather
from x_compliance.sweeps import DatasetError
from x_compliance.sweeps.decisions import RemovalLog
from x_compliance.sweeps.formats import detect
from x_compliance.sweeps.parquetfiles import write_removals

GEO = pa.struct([("place_id", pa.string()), ("coordinates", pa.list_(pa.float64()))])
AUTHOR = pa.struct([("id", pa.string()), ("username", pa.string())])
SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("author_id", pa.string()),
        ("text", pa.string()),
        ("geo", GEO),
        ("author", AUTHOR),
    ],
    metadata={b"collected_by": b"a lab's own tool"},
)


def posts_table(pairs: list[tuple[str, str]]) -> Any:
    return pa.table(
        {
            "id": [p for p, _ in pairs],
            "author_id": [a for _, a in pairs],
            "text": [f"post {p}, ✓" for p, _ in pairs],
            "geo": [{"place_id": "01a9a39529b27f36", "coordinates": [2.35, 48.85]} for _ in pairs],
            "author": [{"id": a, "username": f"user{a}"} for _, a in pairs],
        },
        schema=SCHEMA,
    )


def write_parquet(path: Path, table: Any, row_group_size: int) -> Path:
    pq.write_table(table, path, row_group_size=row_group_size, compression="zstd")
    return path


def cases_dataset(path: Path) -> Path:
    """Every case twice over (own IDs + 1000), three rows per row group."""
    pairs = [*CASES.values(), *((str(int(p) + 1000), a) for p, a in CASES.values())]
    return write_parquet(path, posts_table(pairs), row_group_size=3)


def test_parquet_is_detected_by_its_magic_bytes(tmp_path: Path) -> None:
    source = cases_dataset(tmp_path / "posts.data")  # the name says nothing
    assert detect(source).format.name == "Parquet"


def test_gather_reads_ids_authors_and_embedded_authors_by_row_group(tmp_path: Path) -> None:
    posts, users = gather(cases_dataset(tmp_path / "posts.parquet"))
    assert posts == sorted(int(p) + d for p, _ in CASES.values() for d in (0, 1000))
    assert users == sorted(int(a) for _, a in CASES.values())


def test_each_decision_rule_applies_to_parquet_rows(tmp_path: Path) -> None:
    # given the cases in a Parquet file of several row groups
    source = cases_dataset(tmp_path / "posts.parquet")
    # when it is applied
    body, removals = apply(source)
    # then the kept rows are those the rules keep, a scrubbed post's geo is null, the rest as it was
    kept = {row["id"]: row for row in pq.read_table(io.BytesIO(body)).to_pylist()}
    expected: dict[str, Any] = {}
    for post_id, author in [*CASES.values(), *((str(int(p) + 1000), a) for p, a in CASES.values())]:
        decision = expected_post(post_id, author)
        if decision is None or decision[0] == "scrub_geo":
            expected[post_id] = decision is not None
    assert {post_id: row["geo"] is None for post_id, row in kept.items()} == expected
    assert all(row["text"] == f"post {row['id']}, ✓" for row in kept.values())
    users_logged = {r["id"]: r["reason"] for r in removals if r["kind"] == "user"}
    assert users_logged == {a: expected_user(a) for _, a in CASES.values() if expected_user(a)}


def test_copy_keeps_the_row_groups_schema_and_compression(tmp_path: Path) -> None:
    # given a file of 18 rows in row groups of 3
    source = cases_dataset(tmp_path / "posts.parquet")
    # when it is applied
    body, _ = apply(source)
    # then the copy has one row group per row group that kept a row, the same schema and codec
    copy, original = pq.ParquetFile(io.BytesIO(body)), pq.ParquetFile(source)
    assert copy.schema_arrow.equals(original.schema_arrow, check_metadata=True)
    assert copy.metadata.num_row_groups > 1
    kept_per_group = []
    for number in range(original.num_row_groups):
        rows = original.read_row_group(number, columns=["id", "author_id"]).to_pylist()
        decisions = [expected_post(row["id"], row["author_id"]) for row in rows]
        kept_per_group.append(sum(d is None or d[0] == "scrub_geo" for d in decisions))
    sizes = [copy.metadata.row_group(n).num_rows for n in range(copy.metadata.num_row_groups)]
    assert sizes == [n for n in kept_per_group if n]
    assert copy.metadata.row_group(0).column(0).compression == "ZSTD"


@pytest.mark.parametrize("codec", ["none", "snappy", "gzip", "zstd", "lz4"])
def test_copy_keeps_the_dataset_codec(tmp_path: Path, codec: str) -> None:
    source = tmp_path / "posts.parquet"
    pq.write_table(posts_table([("1000", "2085"), ("1085", "2085")]), source, compression=codec)
    body, _ = apply(source)
    written = pq.ParquetFile(io.BytesIO(body)).metadata.row_group(0).column(0).compression
    assert written == pq.ParquetFile(source).metadata.row_group(0).column(0).compression


def test_empty_dataset_and_one_whose_every_post_goes_give_empty_copies(tmp_path: Path) -> None:
    empty = write_parquet(tmp_path / "empty.parquet", posts_table([]), row_group_size=10)
    assert gather(empty) == ([], [])
    assert pq.read_table(io.BytesIO(apply(empty)[0])).num_rows == 0
    gone = write_parquet(tmp_path / "gone.parquet", posts_table([("1000", "2085"), ("1011", "2085")]), 1)
    copy = pq.ParquetFile(io.BytesIO(apply(gone)[0]))
    assert copy.metadata.num_rows == 0
    assert copy.schema_arrow.equals(pq.read_schema(gone), check_metadata=True)


def test_flattened_columns_as_pandas_writes_them_are_read_and_scrubbed(tmp_path: Path) -> None:
    # given columns named as twarc-csv names them (author.id, geo.place_id), written to Parquet
    table = pa.table(
        {
            "id": ["1033", "1085", "1054"],
            "author_id": ["2085", "2085", "2053"],
            "author.id": ["2085", "2085", "2053"],
            "geo.place_id": ["01a9", "01a9", "01a9"],
        }
    )
    source = write_parquet(tmp_path / "flat.parquet", table, row_group_size=2)
    # when it is gathered and applied
    posts, users = gather(source)
    body, removals = apply(source)
    # then the embedded authors count, the scrubbed post's geo column is null, the author's user goes
    assert (posts, users) == ([1033, 1054, 1085], [2053, 2085])
    assert pq.read_table(io.BytesIO(body)).to_pylist() == [
        {"id": "1033", "author_id": "2085", "author.id": "2085", "geo.place_id": None},
        {"id": "1085", "author_id": "2085", "author.id": "2085", "geo.place_id": "01a9"},
    ]
    assert {
        "id": "2053",
        "kind": "user",
        "action": "remove",
        "reason": "deactivated",
        "via": "self",
    } in removals


@pytest.mark.parametrize("embedded", ["author", "author.id"], ids=["struct", "flattened"])
def test_parquet_row_whose_embedded_author_was_removed_is_removed(tmp_path: Path, embedded: str) -> None:
    # given rows whose author is given only by an embedded author (a struct, or an author.id column),
    # one the emulator says is deleted, one clean, and a row whose author_id is null beside them
    authors = ["2060", "2085", "2060"]
    column = [{"id": a, "username": f"user{a}"} for a in authors] if embedded == "author" else authors
    table = pa.table({"id": ["1015", "1085", "1025"], "author_id": [None, None, None], embedded: column})
    source = write_parquet(tmp_path / "embedded.parquet", table.drop_columns(["author_id"]), 2)
    nulls = write_parquet(
        tmp_path / "nulls.parquet", table.cast(table.schema.set(1, pa.field("author_id", pa.string()))), 2
    )
    assert expected_post("1015", "2060") == ("remove", "deleted", "author")
    assert expected_post("1025", "2060") == ("remove", "deleted", "author")
    assert expected_user("2060") == "deleted" and expected_post("1085", "2085") is None
    for dataset in (source, nulls):
        # when it is applied on the emulator's results
        body, removals = apply(dataset)
        # then the posts of the deleted author go for their author, and the user is logged as removed
        assert pq.read_table(io.BytesIO(body)).column("id").to_pylist() == ["1085"]
        assert removals == [
            {"id": "1015", "kind": "post", "action": "remove", "reason": "deleted", "via": "author"},
            {"id": "1025", "kind": "post", "action": "remove", "reason": "deleted", "via": "author"},
            {"id": "2060", "kind": "user", "action": "remove", "reason": "deleted", "via": "self"},
        ]


def test_integer_id_columns_are_read_as_ids(tmp_path: Path) -> None:
    ids, authors = pa.array([1000, 1085], pa.int64()), pa.array([2085, None], pa.int64())
    table = pa.table({"id": ids, "author_id": authors})
    source = write_parquet(tmp_path / "ints.parquet", table, row_group_size=1)
    assert gather(source) == ([1000, 1085], [2085])
    body, removals = apply(source)
    assert pq.read_table(io.BytesIO(body)).column("id").to_pylist() == [1085]
    assert [r["id"] for r in removals] == ["1000"]


@pytest.mark.parametrize(
    ("table", "bad_row", "problem"),
    [
        (pa.table({"id": ["1000", "10x5", "1"]}), 2, "id is not 1-19 digits: '10x5'"),
        (pa.table({"id": ["1000", "1", None]}), 3, "id is null"),
        (pa.table({"id": pa.array([5, -1], pa.int64())}), 2, "id is negative"),
        (pa.table({"id": ["1", "2", "3"], "author_id": ["2", None, "2a"]}), 3, "author_id is not 1-19"),
    ],
    ids=["bad-id", "null-id", "negative-id", "bad-author"],
)
def test_bad_parquet_row_stops_gathering_naming_file_and_row(
    tmp_path: Path, table: Any, bad_row: int, problem: str
) -> None:
    source = write_parquet(tmp_path / "bad.parquet", table, row_group_size=2)
    with pytest.raises(DatasetError) as raised:
        gather(source)
    assert raised.value.line == bad_row and problem in str(raised.value)


def test_parquet_without_id_column_is_refused(tmp_path: Path) -> None:
    source = write_parquet(tmp_path / "x.parquet", pa.table({"post": ["1"]}), row_group_size=1)
    with pytest.raises(DatasetError, match="no id column"):
        gather(source)


def test_parquet_without_pyarrow_fails_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a Parquet dataset, and pyarrow not importable
    source = cases_dataset(tmp_path / "posts.parquet")
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    # when it is opened, then the error names the extra that reads it
    with pytest.raises(DatasetError, match=r"x-compliance\[parquet\]") as raised:
        detect(source)
    assert raised.value.path == source


def test_removals_parquet_holds_the_records_of_removals_jsonl(tmp_path: Path) -> None:
    # given the decisions logged while applying a dataset
    source = cases_dataset(tmp_path / "posts.parquet")
    dataset, log = detect(source), RemovalLog()
    dataset.format.apply(dataset, io.BytesIO(), emulator_lookups(*gather(source)), log)
    # when they are written as removals.parquet
    out = io.BytesIO()
    write_removals(log.removals(), out)
    # then it holds the same records as removals.jsonl, one string column per field
    table = pq.read_table(io.BytesIO(out.getvalue()))
    assert table.schema.names == ["id", "kind", "action", "reason", "via"]
    assert table.to_pylist() == [json.loads(r.to_json()) for r in log.removals()]
    assert table.num_rows > 0


def test_removals_parquet_writes_one_row_group_per_batch_of_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given more removals than one batch holds (a batch of 4 here)
    source = cases_dataset(tmp_path / "posts.parquet")
    dataset, log = detect(source), RemovalLog()
    dataset.format.apply(dataset, io.BytesIO(), emulator_lookups(*gather(source)), log)
    monkeypatch.setattr("x_compliance.sweeps.parquetfiles.REMOVALS_BATCH", 4)
    # when they are written as removals.parquet
    out = io.BytesIO()
    write_removals(log.removals(), out)
    # then each batch is a row group, and together they hold the records of removals.jsonl in order
    records = [json.loads(r.to_json()) for r in log.removals()]
    file = pq.ParquetFile(io.BytesIO(out.getvalue()))
    assert [file.metadata.row_group(n).num_rows for n in range(file.num_row_groups)] == [
        min(4, len(records) - start) for start in range(0, len(records), 4)
    ]
    assert file.read().to_pylist() == records
