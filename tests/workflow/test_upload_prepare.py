"""Checking and preparing the IDs of an upload, before anything is sent."""

from __future__ import annotations

import io
import random
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import x_compliance as xc
from x_compliance import _constants
from x_compliance._upload import _clean_lines, prepare_upload


def test_clean_file_is_sent_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"1\n22\n1234567890123456789\n")

    with prepare_upload(path) as prepared:
        assert (prepared.path, prepared.size, prepared.count, prepared.temporary) == (path, 25, 3, False)

    assert path.exists()


def test_untidy_file_is_cleaned_into_a_spool(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"1\r\n\r\n  22 \n\n333")

    with prepare_upload(path) as prepared:
        spool = prepared.path
        assert spool.read_bytes() == b"1\n22\n333\n"
        assert (prepared.size, prepared.count, prepared.temporary) == (9, 3, True)

    assert not spool.exists()


@pytest.mark.parametrize(
    ("content", "line", "shown"),
    [
        (b"1\n2\nabc\n4\n", 3, "'abc'"),
        (b"1\n\n\n12345678901234567890\n", 4, "'12345678901234567890'"),
        (b"1\n-5\n", 2, "'-5'"),
        (b"1\n2\n3 4\n", 3, "'3 4'"),
        (b"1\n2\n9x", 3, "'9x'"),
    ],
)
def test_bad_line_is_named(tmp_path: Path, content: bytes, line: int, shown: str) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(content)

    with pytest.raises(ValueError, match=f"line {line} is not an ID of 1-19 digits: {shown}"):
        prepare_upload(path)


def test_bad_line_far_into_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    lines = [str(n) for n in range(1, 300_001)]
    lines[250_000] = "oops"
    path.write_text("\n".join(lines) + "\n")

    with pytest.raises(ValueError, match="line 250001 is not an ID"):
        prepare_upload(path)


def test_lines_split_across_read_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_constants, "TRANSFER_BLOCK", 7)
    path = tmp_path / "ids.txt"
    path.write_bytes(b"123456789\n1\r\n22\n")

    with prepare_upload(path) as prepared:
        assert prepared.path.read_bytes() == b"123456789\n1\n22\n"
        assert prepared.count == 3


def test_iterable_of_str_and_int(tmp_path: Path) -> None:
    with prepare_upload(["1", 22, " 333 ", ""]) as prepared:
        assert prepared.path.read_bytes() == b"1\n22\n333\n"
        assert prepared.count == 3


@pytest.mark.parametrize(
    ("item", "why"), [("x1", "'x1'"), (-1, "'-1'"), (1.5, "a float"), (None, "a NoneType")]
)
def test_bad_item_in_iterable_is_named(item: object, why: str) -> None:
    with pytest.raises(ValueError, match=f"line 2 is not an ID.*{why}"):
        prepare_upload(["1", item, "3"])  # type: ignore[list-item]


def test_generator_is_read_once() -> None:
    with prepare_upload(str(n) for n in range(1, 1001)) as prepared:
        assert prepared.count == 1000


def test_binary_file_object() -> None:
    with prepare_upload(io.BytesIO(b"5\n6\n")) as prepared:
        assert prepared.path.read_bytes() == b"5\n6\n"


def test_text_file_object_is_refused() -> None:
    with pytest.raises(TypeError, match="open it with 'rb'"):
        prepare_upload(io.StringIO("5\n"))  # type: ignore[arg-type]


def test_source_without_ids_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"\n\n")

    with pytest.raises(ValueError, match="holds no IDs"):
        prepare_upload(path)


def test_failed_spool_leaves_no_temporary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    with pytest.raises(ValueError):
        prepare_upload(["1", "bad"])

    assert list(tmp_path.iterdir()) == []


def test_file_as_long_as_its_clean_copy_is_still_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "ids.txt"
    path.write_bytes(b"1 \n2")  # four bytes, like the clean "1\n2\n": size alone cannot tell

    with prepare_upload(path) as prepared:
        assert prepared.temporary
        assert prepared.path.read_bytes() == b"1\n2\n"


def test_clean_block_check_agrees_with_the_line_rule() -> None:
    # _clean_lines takes shortcuts (a strided slice and translate, substring searches on the
    # block's shape); it must say "clean" exactly when every line is 1-19 digits, for one width and
    # for mixed widths. Some pieces keep a line's length while breaking it: a NUL byte, or a
    # newline inside it (two good lines where the stride expects one).
    rule = re.compile(rb"(?:[0-9]{1,19}\n)*")
    pieces = [b"7", b"42", b"1" * 18, b"9" * 19, b"1" * 20, b"", b" 5", b"5\r", b"12a", b"\xff"]
    pieces += [b"\x00", b"1\x002", b"1\n2", b"1" * 9 + b"\n" + b"2" * 9, b"\n" + b"3" * 18, b"4" * 18 + b"\n"]
    generator = random.Random(7)
    blocks = [b"".join(piece + b"\n" for piece in [b"1" * 19] * 500)]
    for _ in range(3000):
        width = generator.choice([1, 3, 19, 20])  # 20 digits: one too many, in every line
        count = generator.choice([1, 2, 40])  # one line: a block's head, the line begun before it
        lines = [b"8" * width for _ in range(count)]
        lines = [generator.choice(pieces) if generator.random() < 0.02 else line for line in lines]
        blocks.append(b"".join(line + b"\n" for line in lines))

    for block in blocks:
        expected = block.count(b"\n") if rule.fullmatch(block) else None
        assert _clean_lines(block) == expected, block


def test_untidy_file_of_the_clean_size_is_still_cleaned(tmp_path: Path) -> None:
    # A blank line and a missing final newline cancel out in size: sending the file as it is
    # would pass storage a blank line and an unterminated one.
    path = tmp_path / "ids.txt"
    path.write_bytes(b"1\n2\n\n3")

    with prepare_upload(path) as prepared:
        assert prepared.temporary
        assert prepared.path.read_bytes() == b"1\n2\n3\n"


def reference_check(content: bytes) -> str | None:
    """The line rule, one line at a time: the error a file gets, or None."""
    for number, line in enumerate(content.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1):
        stripped = line.strip()
        if stripped and not re.fullmatch(rb"[0-9]{1,19}", stripped):
            return f"line {number} is not an ID of 1-19 digits: {stripped[:40].decode(errors='replace')!r}"
    return None


LINE = st.one_of(
    st.integers(0, 10**19 - 1).map(lambda n: str(n).encode()),
    st.sampled_from([b"", b" ", b"\r", b"12\r", b" 7 ", b"\t", b"1" * 20, b"1 2", b"x", b"\xff", b"-1"]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(LINE, max_size=40), bom=st.booleans(), newline_at_end=st.booleans())
def test_check_ids_agrees_with_the_line_rule_across_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[bytes], bom: bool, newline_at_end: bool
) -> None:
    # given: blocks far smaller than a line list, so that lines straddle them
    monkeypatch.setattr(_constants, "TRANSFER_BLOCK", 64)
    content = (b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + (b"\n" if newline_at_end else b"")
    path = tmp_path / "ids.txt"
    path.write_bytes(content)

    # when
    try:
        count, error = xc.check_ids(path), None
    except ValueError as raised:
        count, error = None, str(raised)

    # then
    assert error == reference_check(content)
    if error is None:
        assert count == sum(1 for line in content.removeprefix(b"\xef\xbb\xbf").split(b"\n") if line.strip())


def test_a_line_longer_than_a_block_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_constants, "TRANSFER_BLOCK", 64)
    path = tmp_path / "ids.txt"
    path.write_bytes(b"1\n" + b" " * 200 + b"2" * 300)

    with pytest.raises(ValueError, match=r"^line 2 is not an ID of 1-19 digits: .  .*over 256 bytes"):
        xc.check_ids(path)
