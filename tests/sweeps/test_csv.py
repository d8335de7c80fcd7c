"""CSV datasets: gathered and applied like JSON lines, quoting kept, geo columns emptied."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import pytest

from tests.sweeps.datasets import CASES, expected_post, expected_user
from tests.sweeps.test_formats import apply, gather
from x_compliance.sweeps import DatasetError
from x_compliance.sweeps.decisions import RemovalLog
from x_compliance.sweeps.formats import Lookups, detect
from x_compliance.sweeps.ids import Verdicts

# As twarc-csv writes them: dotted names for nested fields, geo.* flattened, the author embedded.
HEADER = ["id", "author_id", "text", "author.id", "author.username", "geo.place_id", "geo.full_name", "lang"]
TRICKY_TEXT = 'a "quoted" word, a comma,\nand a new line'


def rows_for_cases() -> list[list[str]]:
    return [
        [p, a, f"post {p} ✓", a, f"user{a}", "01a9a39529b27f36", "Paris, France", "fr"]
        for p, a in CASES.values()
    ]


def write_csv(path: Path, rows: list[list[str]], compressed: bool = False, ending: str = "\n") -> Path:
    text = io.StringIO()
    csv.writer(text, lineterminator=ending).writerows([HEADER, *rows])
    body = text.getvalue().encode()
    path.write_bytes(gzip.compress(body) if compressed else body)
    return path


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode(), newline="")))


def test_csv_with_an_id_column_is_detected(tmp_path: Path) -> None:
    source = write_csv(tmp_path / "posts.csv", rows_for_cases())
    assert detect(source).format.name == "CSV"


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_gather_reads_post_author_and_embedded_author_columns(tmp_path: Path, compressed: bool) -> None:
    posts, users = gather(write_csv(tmp_path / "posts.csv", rows_for_cases(), compressed))
    assert posts == sorted(int(p) for p, _ in CASES.values())
    assert users == sorted(int(a) for _, a in CASES.values())


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_each_decision_rule_applies_to_csv_rows(tmp_path: Path, compressed: bool) -> None:
    # given one row per case, as the emulator's results rule judges them
    source = write_csv(tmp_path / "posts.csv", rows_for_cases(), compressed)
    # when the dataset is applied
    body, removals = apply(source)
    # then removed rows are gone, the scrubbed row keeps its fields but its geo columns are empty
    kept = {row["id"]: row for row in csv_rows(body)}
    for post_id, author in CASES.values():
        decision = expected_post(post_id, author)
        assert (post_id in kept) == (decision is None or decision[0] == "scrub_geo")
        if post_id in kept:
            scrubbed = decision is not None
            assert (kept[post_id]["geo.place_id"], kept[post_id]["geo.full_name"]) == (
                ("", "") if scrubbed else ("01a9a39529b27f36", "Paris, France")
            )
            assert kept[post_id]["text"] == f"post {post_id} ✓" and kept[post_id]["lang"] == "fr"
    posts_logged = {r["id"]: (r["action"], r["reason"], r["via"]) for r in removals if r["kind"] == "post"}
    assert posts_logged == {p: expected_post(p, a) for p, a in CASES.values() if expected_post(p, a)}
    users_logged = {r["id"]: r["reason"] for r in removals if r["kind"] == "user"}
    assert users_logged == {a: expected_user(a) for _, a in CASES.values() if expected_user(a)}


def test_quoted_commas_quotes_and_newlines_are_read_as_one_field(tmp_path: Path) -> None:
    # given a row whose text holds quotes, commas and a newline, before and after rows that go
    rows = [
        ["1000", "2085", TRICKY_TEXT, "2085", "u", "", "", "en"],  # own deleted: goes
        ["1085", "2085", TRICKY_TEXT, "2085", "u", "x", "Rome, Italy", "it"],  # untouched
        ["1033", "2085", TRICKY_TEXT, "2085", "u", "y", "Oslo,\nNorway", "no"],  # scrub_geo
    ]
    source = write_csv(tmp_path / "posts.csv", rows)
    # when it is gathered and applied
    posts, _ = gather(source)
    body, _ = apply(source)
    # then each record is one post, and the fields come back whole
    assert posts == [1000, 1033, 1085]
    kept = csv_rows(body)
    assert [(r["id"], r["text"], r["geo.full_name"]) for r in kept] == [
        ("1085", TRICKY_TEXT, "Rome, Italy"),
        ("1033", TRICKY_TEXT, ""),
    ]


def test_unchanged_rows_are_copied_byte_for_byte_with_their_quoting(tmp_path: Path) -> None:
    # given rows quoted as no csv writer would (every field quoted, a doubled quote, CRLF, a bare CR
    # inside a quoted field, no newline at the end) around a row that goes
    source = tmp_path / "odd.csv"
    header = b'"id","author_id","text","geo"\r\n'
    keep_1 = b'"1085","2085","he said ""hi"", then left\r\nfor good","geo, here"\r\n'
    gone = b"1000,2085,plain,\r\n"
    keep_2 = b'1095,"2085","a\rb",""\r\n'
    last = b'1105,2085,"last, no newline",x'
    source.write_bytes(header + keep_1 + gone + keep_2 + last)
    # when it is applied
    body, removals = apply(source)
    # then everything but the removed row is the same bytes
    assert body == header + keep_1 + keep_2 + last
    assert [r["id"] for r in removals] == ["1000"]


def test_scrubbed_row_keeps_its_line_ending_and_other_fields(tmp_path: Path) -> None:
    source = tmp_path / "crlf.csv"
    source.write_bytes(b'id,author_id,geo,text\r\n1033,2085,somewhere,"a, b"\r\n1085,2085,x,y\r\n')
    body, removals = apply(source)
    assert body == b'id,author_id,geo,text\r\n1033,2085,,"a, b"\r\n1085,2085,x,y\r\n'
    assert removals == [
        {"id": "1033", "kind": "post", "action": "scrub_geo", "reason": "scrub_geo", "via": "self"}
    ]


def test_header_with_a_byte_order_mark_is_read_and_kept(tmp_path: Path) -> None:
    source = tmp_path / "bom.csv"
    source.write_bytes("\ufeffid,author_id\n1000,2085\n1085,2085\n".encode())
    posts, _ = gather(source)
    body, _ = apply(source)
    assert posts == [1000, 1085]
    assert body == "\ufeffid,author_id\n1085,2085\n".encode()


def test_csv_without_author_column_is_judged_by_post_ids_alone(tmp_path: Path) -> None:
    source = tmp_path / "ids.csv"
    source.write_bytes(b"text,id\nhello,1000\nworld,1085\n")
    lookups = Lookups(Verdicts.from_results([(1000, "deleted")]), Verdicts.from_results([]))
    dataset, out = detect(source), io.BytesIO()
    dataset.format.apply(dataset, out, lookups, RemovalLog())
    assert gather(source) == ([1000, 1085], [])
    assert out.getvalue() == b"text,id\nworld,1085\n"


@pytest.mark.parametrize(
    ("header", "row"),
    [("id,author.id,text", "1015,2060,x"), ("id,author_id,author.id,text", "1015,,2060,x")],
    ids=["no-author_id-column", "empty-author_id"],
)
def test_csv_row_whose_embedded_author_was_removed_is_removed(tmp_path: Path, header: str, row: str) -> None:
    # given a row whose author is given only by author.id, a user the emulator says is deleted, and a
    # row whose embedded author is clean
    source = tmp_path / "embedded.csv"
    source.write_bytes(f"{header}\n{row}\n1085,{'2085,' * header.count('author')}y\n".encode())
    assert expected_post("1015", "2060") == ("remove", "deleted", "author")
    assert expected_user("2060") == "deleted" and expected_post("1085", "2085") is None
    # when the dataset is applied on the emulator's results
    body, removals = apply(source)
    # then the row goes for its author, and both the post and the embedded user are logged
    assert [r["id"] for r in csv_rows(body)] == ["1085"]
    assert removals == [
        {"id": "1015", "kind": "post", "action": "remove", "reason": "deleted", "via": "author"},
        {"id": "2060", "kind": "user", "action": "remove", "reason": "deleted", "via": "self"},
    ]


def test_csv_embedded_user_with_a_result_is_logged_though_author_id_is_clean(tmp_path: Path) -> None:
    # given a row whose author_id is clean but whose embedded author.id the emulator says is suspended
    source = tmp_path / "both.csv"
    source.write_bytes(b"id,author_id,author.id\n1085,2085,2091\n")
    # when it is applied
    body, removals = apply(source)
    # then the post is kept (its author is author_id, as in JSON lines) and the user object is logged
    assert body == b"id,author_id,author.id\n1085,2085,2091\n"
    assert removals == [
        {"id": "2091", "kind": "user", "action": "remove", "reason": "suspended", "via": "self"}
    ]


@pytest.mark.parametrize(
    ("body", "bad_line", "problem"),
    [
        (b"id,author_id\n1000,2085\n10x0,2085\n", 3, "id is not 1-19 digits"),
        (b"id,author_id\n1000,2085\n,2085\n", 3, "id is empty"),
        (b"id,author_id\n1000,2085\n1001,20a5\n", 3, "author_id is not 1-19 digits"),
        (b"id,author_id\n1000,2085\n1001,2085,extra\n", 3, "3 fields where the header names 2"),
        (b'id,author_id\n1000,2085\n1001,"2085\n', 3, "not CSV"),
        (b'id,text\n1000,"a\nb"\n1001,"x"y\n', 4, "not CSV"),
        (b"id,text\n1000,caf\xc3\xa9\n1001,caf\xe9\n", 3, "not UTF-8"),
    ],
    ids=["bad-id", "empty-id", "bad-author", "extra-field", "open-quote", "stray-quote", "latin-1"],
)
def test_bad_csv_record_stops_gathering_naming_file_and_line(
    tmp_path: Path, body: bytes, bad_line: int, problem: str
) -> None:
    source = tmp_path / "bad.csv"
    source.write_bytes(body)
    with pytest.raises(DatasetError) as raised:
        gather(source)
    assert raised.value.line == bad_line, str(raised.value)
    assert str(source) in str(raised.value) and problem in str(raised.value)


def test_json_line_with_id_is_not_taken_for_csv(tmp_path: Path) -> None:
    source = tmp_path / "flat.jsonl"
    source.write_text(json.dumps({"id": "1000", "author_id": "2085"}) + "\n")
    assert detect(source).format.name != "CSV"
