"""``SweepReport``: what a sweep did, for people (the CLI's table), programs (``report.json``) and
audits (every finished report stays in the state database)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from attrs import asdict, frozen


@frozen
class DatasetReport:
    """One input dataset: where it was, its SHA-256 when the sweep began, what it held."""

    path: str
    sha256: str
    lines: int
    posts: int  # post objects met, not distinct IDs
    users: int  # user objects met (includes.users, embedded authors)


@frozen
class JobReport:
    """One job the sweep ran (or began): its part, attempt and how it ended."""

    id: str | None
    type: str
    part: int
    attempt: int
    name: str
    ids: int
    status: str
    result_lines: int | None


@frozen
class OutputFile:
    """A file the sweep wrote, with its SHA-256."""

    path: str
    sha256: str


@frozen
class SweepReport:
    """What a sweep found and did.

    ``posts_removed`` counts posts removed for their own reason (deleted, protected, ...);
    ``posts_removed_via_author`` those removed because of their author's reason;
    ``posts_geo_scrubbed`` kept posts that lost their ``geo``; ``users_removed`` user objects
    removed, by reason. Each object counts once, however often the datasets hold it.

    >>> report = xc.sweep(client, ["posts.jsonl.gz"], "compliant/")
    >>> report.posts_removed
    {'deleted': 120, 'protected': 31, 'suspended': 54}
    """

    id: str
    name: str
    started_at: dt.datetime
    finished_at: dt.datetime
    output: str
    datasets: tuple[DatasetReport, ...]
    jobs: tuple[JobReport, ...]
    post_ids: int  # distinct post IDs checked
    user_ids: int  # distinct user IDs checked
    posts_removed: dict[str, int]
    posts_removed_via_author: dict[str, int]
    posts_geo_scrubbed: int
    users_removed: dict[str, int]
    outputs: tuple[OutputFile, ...]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (times as ISO 8601 strings)."""
        return asdict(self, value_serializer=_serialize)

    @classmethod
    def from_dict(cls, document: dict[str, Any]) -> SweepReport:
        return cls(
            id=document["id"],
            name=document["name"],
            started_at=dt.datetime.fromisoformat(document["started_at"]),
            finished_at=dt.datetime.fromisoformat(document["finished_at"]),
            output=document["output"],
            datasets=tuple(DatasetReport(**d) for d in document["datasets"]),
            jobs=tuple(JobReport(**j) for j in document["jobs"]),
            post_ids=document["post_ids"],
            user_ids=document["user_ids"],
            posts_removed=document["posts_removed"],
            posts_removed_via_author=document["posts_removed_via_author"],
            posts_geo_scrubbed=document["posts_geo_scrubbed"],
            users_removed=document["users_removed"],
            outputs=tuple(OutputFile(**o) for o in document["outputs"]),
        )


def _serialize(instance: object, attribute: object, value: object) -> object:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, tuple):  # attrs keeps a tuple that went through a serializer
        return list(value)
    return value
