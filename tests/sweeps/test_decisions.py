"""The decision rules, alone: what a post's and a user's results mean."""

from __future__ import annotations

import pytest

from x_compliance.sweeps.decisions import Decision, RemovalLog, for_post, for_user


@pytest.mark.parametrize("reason", ["deleted", "suspended", "protected", "bounced", "archived_by_x"])
def test_post_with_own_reason_other_than_scrub_geo_is_removed(reason: str) -> None:
    assert for_post(reason, None) == Decision("remove", reason, "self")


def test_post_own_reason_comes_before_its_authors() -> None:
    assert for_post("deleted", "suspended") == Decision("remove", "deleted", "self")


@pytest.mark.parametrize("author", ["deleted", "suspended", "protected", "deactivated", "something_new"])
def test_post_whose_author_has_any_result_is_removed_via_author(author: str) -> None:
    assert for_post(None, author) == Decision("remove", author, "author")
    assert for_post("scrub_geo", author) == Decision("remove", author, "author")


def test_kept_post_with_own_scrub_geo_is_scrubbed() -> None:
    assert for_post("scrub_geo", None) == Decision("scrub_geo", "scrub_geo", "self")


def test_post_without_results_stays() -> None:
    assert for_post(None, None) is None


def test_user_with_any_result_is_removed_and_without_stays() -> None:
    assert for_user("deactivated") == Decision("remove", "deactivated", "self")
    assert for_user(None) is None


def test_removal_log_keeps_each_object_once_preferring_removal_and_own_reason() -> None:
    # given the same post logged three ways and a user twice
    log = RemovalLog()
    log.add("7", "post", Decision("scrub_geo", "scrub_geo", "self"))
    log.add("7", "post", Decision("remove", "suspended", "author"))
    log.add("7", "post", Decision("remove", "deleted", "self"))
    log.add("9", "user", Decision("remove", "suspended", "self"))
    log.add("9", "user", Decision("remove", "suspended", "self"))
    log.add("3", "post", Decision("remove", "protected", "self"))
    # when the removals are read
    removals = [r.to_json() for r in log.removals()]
    # then posts come first, by id, each once, the strongest record kept
    assert removals == [
        b'{"id":"3","kind":"post","action":"remove","reason":"protected","via":"self"}\n',
        b'{"id":"7","kind":"post","action":"remove","reason":"deleted","via":"self"}\n',
        b'{"id":"9","kind":"user","action":"remove","reason":"suspended","via":"self"}\n',
    ]
