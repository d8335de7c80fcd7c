"""The hand-over to a data engine: the README's DuckDB SQL, run as it stands on a swept Parquet
dataset, keeps exactly what the sweep's own Parquet copy keeps."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.sweeps.datasets import CASES
from tests.sweeps.test_formats import apply

README = Path(__file__).resolve().parents[2] / "README.md"
GEO = pa.struct([("place_id", pa.string()), ("coordinates", pa.list_(pa.float64()))])


def readme_sql() -> tuple[str, str]:
    """The DuckDB views and the query shared with Spark, from the README's "Sweeps at scale"."""
    section = README.read_text().split("## Sweeps at scale", 1)[1].split("\n## ", 1)[0]
    duckdb_views, spark_views, query = re.findall(r"```sql\n(.*?)```", section, re.DOTALL)
    assert "read_parquet" in duckdb_views and "USING parquet" in spark_views
    return duckdb_views, query


def test_readme_duckdb_anti_join_keeps_what_the_sweep_keeps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a Parquet dataset of the README's columns, swept: its copy and removals.jsonl
    pairs = [*CASES.values(), *((str(int(p) + 1000), a) for p, a in CASES.values())]
    table = pa.table(
        {
            "id": [p for p, _ in pairs],
            "author_id": [a for _, a in pairs],
            "text": [f"post {p}, ✓" for p, _ in pairs],
            "geo": pa.array(
                [{"place_id": "01a9a39529b27f36", "coordinates": [2.35, 48.85]}] * len(pairs), GEO
            ),
        }
    )
    monkeypatch.chdir(tmp_path)
    pq.write_table(table, "posts.parquet", row_group_size=4)
    body, removals = apply(Path("posts.parquet"))
    Path("compliant").mkdir()
    Path("compliant/removals.jsonl").write_text("".join(json.dumps(r) + "\n" for r in removals))
    swept = sorted(pq.read_table(io.BytesIO(body)).to_pylist(), key=lambda row: row["id"])
    # when the README's DuckDB statements and query run on the original dataset
    views, query = readme_sql()
    connection = duckdb.connect()
    connection.execute(views)
    connection.execute(f"COPY ({query}) TO 'posts-compliant.parquet' (FORMAT parquet)")
    # then they keep the same posts, with the same geo, as the sweep's own copy
    engine = sorted(pq.read_table("posts-compliant.parquet").to_pylist(), key=lambda row: row["id"])
    assert engine == swept
    assert any(row["geo"] is None for row in engine) and any(row["geo"] for row in engine)
    assert len(engine) < len(pairs)
