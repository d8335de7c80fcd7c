"""Reading and writing datasets without any job: gather, apply, bad input."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from tests.sweeps.datasets import (
    CASES,
    expected_post,
    expected_user,
    flat_dataset,
    line,
    page,
    pages_dataset,
    post,
    read,
    user,
    write,
)
from x_compliance.emulator import result_for
from x_compliance.sweeps import DatasetError
from x_compliance.sweeps.decisions import RemovalLog
from x_compliance.sweeps.formats import Lookups, detect
from x_compliance.sweeps.ids import IdCollector, Verdicts


def gather(path: Path) -> tuple[list[int], list[int]]:
    dataset = detect(path)
    posts, users = IdCollector(), IdCollector()
    dataset.format.gather(dataset, posts, users)
    return posts.sorted().tolist(), users.sorted().tolist()


def emulator_lookups(posts: list[int], users: list[int]) -> Lookups:
    """What the emulator's jobs would answer for these IDs (its own documented function)."""

    def verdicts(ids: list[int], type: str) -> Verdicts:
        found = ((n, r["reason"]) for n in ids if (r := result_for(n, type)) is not None)
        return Verdicts.from_results(found)

    return Lookups(verdicts(posts, "tweets"), verdicts(users, "users"))


def apply(path: Path, lookups: Lookups | None = None) -> tuple[bytes, list[dict[str, str]]]:
    dataset = detect(path)
    out, log = io.BytesIO(), RemovalLog()
    dataset.format.apply(dataset, out, lookups or emulator_lookups(*gather(path)), log)
    body = out.getvalue()
    return (gzip.decompress(body) if dataset.compressed else body), [
        json.loads(r.to_json()) for r in log.removals()
    ]


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_gather_finds_every_post_and_user_id_of_pages(tmp_path: Path, compressed: bool) -> None:
    posts, users = gather(pages_dataset(tmp_path / "pages.jsonl", compressed))
    assert posts == sorted({int(p) for p, _ in CASES.values()} | {1100, 1111, 1125, 1130})
    assert users == sorted({int(a) for _, a in CASES.values()} | {2091})


def test_gather_finds_post_author_and_embedded_author_ids_of_flat_posts(tmp_path: Path) -> None:
    posts, users = gather(flat_dataset(tmp_path / "flat.jsonl"))
    assert posts == sorted(int(p) for p, _ in CASES.values())
    assert users == sorted(int(a) for _, a in CASES.values())


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_each_decision_rule_applies_to_pages(tmp_path: Path, compressed: bool) -> None:
    # given one page per case, as the emulator's results rule judges them
    source = pages_dataset(tmp_path / "pages.jsonl", compressed)
    # when the dataset is applied
    body, removals = apply(source)
    # then each page holds exactly the posts and users the rules keep, geo scrubbed where due
    given = read(source).splitlines(keepends=True)
    written = body.splitlines(keepends=True)
    assert len(written) == len(given)  # every page keeps its line
    for (post_id, author), before, after in zip(CASES.values(), given, written, strict=False):
        decision = expected_post(post_id, author)
        document = json.loads(after)
        if decision is None:
            assert after == before  # untouched: byte for byte
            continue
        kept_posts = {p["id"]: p for p in document["data"]}
        assert (post_id in kept_posts) == (decision[0] == "scrub_geo")
        if decision[0] == "scrub_geo":
            assert "geo" not in kept_posts[post_id]
        kept_users = [u["id"] for u in document["includes"]["users"]]
        assert kept_users == ([] if expected_user(author) else [author])
    assert {
        (r["id"], r["kind"]): (r["action"], r["reason"], r["via"]) for r in removals if r["kind"] == "post"
    } == {
        (p, "post"): expected_post(p, a)
        for p, a in [*CASES.values(), ("1100", "2085"), ("1111", "2085"), ("1130", "2091")]
        if expected_post(p, a) is not None
    }


def test_page_whose_every_post_is_removed_keeps_its_line_with_empty_data(tmp_path: Path) -> None:
    source = write(
        tmp_path / "p.jsonl", [line(page([post("1100", "2085"), post("1111", "2085")], [user("2085")]))]
    )
    body, _ = apply(source)
    document = json.loads(body)
    assert document["data"] == []
    assert document["meta"]["next_token"] == "b26v89c19zqg8o3fpzbkk"
    assert document["includes"]["users"] == [user("2085")]


def test_posts_in_includes_tweets_follow_the_same_rules(tmp_path: Path) -> None:
    # given a kept post quoting a post whose author (2091) is suspended
    source = write(
        tmp_path / "p.jsonl",
        [line(page([post("1125", "2085")], [user("2085"), user("2091")], [post("1130", "2091")]))],
    )
    body, removals = apply(source)
    document = json.loads(body)
    assert [p["id"] for p in document["data"]] == ["1125"]
    assert document["includes"]["tweets"] == []
    assert [u["id"] for u in document["includes"]["users"]] == ["2085"]
    assert {"id": "1130", "kind": "post", "action": "remove", "reason": "deleted", "via": "self"} in removals


@pytest.mark.parametrize("compressed", [False, True], ids=["plain", "gzip"])
def test_each_decision_rule_applies_to_flat_posts(tmp_path: Path, compressed: bool) -> None:
    source = flat_dataset(tmp_path / "flat.jsonl", compressed)
    body, removals = apply(source)
    kept = [json.loads(x) for x in body.splitlines()]
    expected_kept = [
        p for p, a in CASES.values() if (expected_post(p, a) or ("scrub_geo",))[0] == "scrub_geo"
    ]
    assert [p["id"] for p in kept] == expected_kept
    for document in kept:
        scrubbed = expected_post(document["id"], document["author_id"]) is not None
        assert ("geo" in document) == (not scrubbed)
    untouched = line(post("1085", "2085", author=user("2085")))
    assert untouched in body.splitlines(keepends=True)  # byte for byte
    users_removed = {r["id"]: r["reason"] for r in removals if r["kind"] == "user"}
    assert users_removed == {a: expected_user(a) for _, a in CASES.values() if expected_user(a)}


def test_unknown_reason_counts_as_a_removal(tmp_path: Path) -> None:
    source = write(tmp_path / "f.jsonl", [line(post("1085", "2085"))])
    lookups = Lookups(Verdicts.from_results([(1085, "archived_by_x")]), Verdicts.from_results([]))
    body, removals = apply(source, lookups)
    assert body == b""
    assert removals == [
        {"id": "1085", "kind": "post", "action": "remove", "reason": "archived_by_x", "via": "self"}
    ]


def test_gzip_output_is_reproducible(tmp_path: Path) -> None:
    source = pages_dataset(tmp_path / "pages.jsonl.gz", compressed=True)
    lookups = emulator_lookups(*gather(source))
    outs = []
    for _ in range(2):
        dataset, out = detect(source), io.BytesIO()
        dataset.format.apply(dataset, out, lookups, RemovalLog())
        outs.append(out.getvalue())
    assert outs[0] == outs[1]
    assert outs[0][:2] == b"\x1f\x8b"


def test_blank_lines_and_a_last_line_without_newline_are_copied(tmp_path: Path) -> None:
    source = write(
        tmp_path / "f.jsonl", [line(post("1085", "2085")), b"\n", b'{"id": "1095", "author_id": "2085"}']
    )
    body, _ = apply(source)
    assert body == read(source)


# Bad input: a DatasetError naming file and line ---------------------------------------------


@pytest.mark.parametrize(
    ("lines", "bad_line", "problem"),
    [
        ([line(post("1085", "2085")), b"[1, 2]\n"], 2, "neither shape"),
        ([line(post("1085", "2085")), b"not json\n"], 2, "not valid JSON"),
        (
            [line(post("1085", "2085")), line({"text": "no id", "author_id": "2"}), line(post("1", "2"))],
            2,
            "neither shape",
        ),
        (
            [line(page([post("1085", "2085")], [])), line(page([{"text": "x"}], []))],
            2,
            "post 1 of data has no id",
        ),
        ([line(post("1085", "2085")), line(post("12345678901234567890", "2085"))], 2, "not 1-19 digits"),
        ([line(post("1085", "2085")), line(post("1086", "20x5"))], 2, "author_id"),
        (
            [line(post("1085", "2085")), line({"id": 1086, "author_id": "2"})],
            2,
            "not 1-19 digits in a string",
        ),
        ([line(page([post("1085", "2085")], [{"name": "no id"}]))], 1, "user 1 of includes.users has no id"),
    ],
    ids=[
        "array",
        "not-json",
        "post-without-id-flat",
        "post-without-id-page",
        "id-20-digits",
        "bad-author",
        "numeric-id",
        "user-without-id",
    ],
)
def test_bad_line_stops_gathering_naming_file_and_line(
    tmp_path: Path, lines: list[bytes], bad_line: int, problem: str
) -> None:
    source = write(tmp_path / "bad.jsonl", lines)
    with pytest.raises(DatasetError) as raised:
        gather(source)
    assert raised.value.line == bad_line
    assert str(source) in str(raised.value) and f"line {bad_line}" in str(raised.value)
    assert problem in str(raised.value)


def test_truncated_gzip_is_refused_naming_the_file(tmp_path: Path) -> None:
    whole = gzip.compress(b"".join(line(post(str(n), "2085")) for n in range(1000, 3000)))
    source = tmp_path / "cut.jsonl.gz"
    source.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(DatasetError, match="truncated") as raised:
        gather(source)
    assert raised.value.path == source and raised.value.line > 1


def test_file_in_no_known_format_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "ids.txt"
    source.write_text("12345\n67890\n")
    with pytest.raises(DatasetError, match="not a format"):
        detect(source)


def test_scrub_geo_of_a_post_without_geo_leaves_its_line_untouched_but_logs_it(tmp_path: Path) -> None:
    # given a post X geo-scrubbed (id ending 3) whose line holds no geo
    original = b'{"id": "1033",  "author_id": "2034", "text": "no geo here"}\n'
    source = write(tmp_path / "f.jsonl", [original])
    body, removals = apply(source)
    assert body == original
    assert removals == [
        {"id": "1033", "kind": "post", "action": "scrub_geo", "reason": "scrub_geo", "via": "self"}
    ]


def test_removed_last_line_without_newline_leaves_the_line_before_it_whole(tmp_path: Path) -> None:
    kept = line(post("1085", "2085"))
    source = write(tmp_path / "f.jsonl", [kept, b'{"id": "1090", "author_id": "2085"}'])  # 1090: deleted
    body, _ = apply(source)
    assert body == kept


def test_multi_member_and_highly_compressed_gzip_read_whole(tmp_path: Path) -> None:
    # given a gzip file of two members, the first 20 MB of repeated lines (compressed ~1000-fold)
    repeated = line(post("1085", "2085")) * 300_000
    source = tmp_path / "big.jsonl.gz"
    source.write_bytes(gzip.compress(repeated) + gzip.compress(line(post("1090", "2085"))))
    # when it is applied, then every line is read, the removed one named
    body, removals = apply(source)
    assert body == repeated
    assert [r["id"] for r in removals] == ["1090"]


def test_objects_repeated_across_lines_are_logged_once_each(tmp_path: Path) -> None:
    # given a suspended user (2091) and their deleted post (1130), quoted in 200 pages
    pages = [
        line(page([post(str(3004 + n * 10), "2085")], [user("2085"), user("2091")], [post("1130", "2091")]))
        for n in range(200)
    ]
    source = write(tmp_path / "p.jsonl", pages)
    dataset, log = detect(source), RemovalLog()
    dataset.format.apply(dataset, io.BytesIO(), emulator_lookups(*gather(source)), log)
    # then the log holds one record for each, not one per line
    assert len(log) == 2
    assert [(r.id, r.kind) for r in log.removals()] == [("1130", "post"), ("2091", "user")]


@pytest.mark.parametrize(
    "number",
    [
        "123456789012345678901234",
        "18446744073709551616",
        "-9223372036854775809",
        "0.10000000000000000001",
        "1e400",
        "NaN",
        "-Infinity",
    ],
    ids=["24 digits", "2^64", "below -2^63", "past double digits", "past a double", "NaN", "-Infinity"],
)
@pytest.mark.parametrize("beside", ["", ', "big": 1e400'], ids=["alone", "beside 1e400"])
def test_a_rewritten_line_keeps_every_number_as_written(tmp_path: Path, number: str, beside: str) -> None:
    # given a geo-scrubbed post (1033) whose line holds a number orjson would write otherwise (a
    # float for a big integer, fewer digits, null), alone or beside one that orjson cannot read
    original = (
        b'{"id": "1033", "author_id": "2034", "counts": [%s, 7], "stats": {"views": %s%s}, '
        b'"geo": {"place_id": "x"}}\n' % (number.encode(), number.encode(), beside.encode())
    )
    source = write(tmp_path / "f.jsonl", [original])
    # when the line is rewritten, then every number is written as it was read
    body, _ = apply(source)
    assert body == (
        b'{"id":"1033","author_id":"2034","counts":[%s,7],"stats":{"views":%s%s}}\n'
        % (number.encode(), number.encode(), beside.replace(" ", "").encode())
    )


def test_a_rewritten_line_with_a_lone_surrogate_escape_is_written_as_read(tmp_path: Path) -> None:
    # given a geo-scrubbed post whose text holds an escape that is not valid UTF-16 (orjson refuses it)
    original = b'{"id": "1033", "author_id": "2034", "text": "half \\ud83d", "geo": {"place_id": "x"}}\n'
    source = write(tmp_path / "f.jsonl", [original])
    body, _ = apply(source)
    assert json.loads(body) == {"id": "1033", "author_id": "2034", "text": "half \ud83d"}
