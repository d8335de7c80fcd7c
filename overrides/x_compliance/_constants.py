"""Every default of the client, in one place to read and change."""

from __future__ import annotations

BEARER_TOKEN_ENV = "X_BEARER_TOKEN"
BASE_URL_ENV = "X_API_BASE_URL"
DEFAULT_BASE_URL = "https://api.x.com"

DEFAULT_TIMEOUT = 30.0
"""Seconds for each of connect, read, write and pool, per HTTP request."""

DEFAULT_MAX_RETRIES = 2
"""Retries after the first attempt, for connection errors, timeouts, 5xx and near 429 resets."""

INITIAL_BACKOFF = 0.5
BACKOFF_MULTIPLIER = 2.0
MAX_BACKOFF = 8.0
BACKOFF_JITTER = 0.25
"""A backoff of d seconds sleeps between d * (1 - BACKOFF_JITTER) and d."""

MAX_RATE_LIMIT_WAIT = 60.0
"""A 429 whose reset is at most this many seconds away is waited out; a farther one raises."""

RATE_LIMIT_MARGIN = 0.25
"""Seconds added to a rate-limit wait, for X's whole-second resets and small clock differences."""

RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})

LOGGER_NAME = "x_compliance"

JOB_ID_PATTERN = r"[0-9]{1,19}"
MAX_JOB_NAME_LENGTH = 64

USER_AGENT = "x-compliance-python"

TRANSFER_BLOCK = 1024 * 1024
"""Bytes read from disk per block when checking and sending uploads."""

SYNC_EVERY = 32 * 1024 * 1024
"""Bytes of a results download written between background syncs to disk (see download_results)."""

MAX_LINE_BYTES = 256
"""An upload line longer than this is refused at once: no ID line is (19 digits, a few spaces)."""

READ_AHEAD_BLOCKS = 4
"""Blocks of a clean upload file read and checked ahead of the one being sent (memory: this many
blocks at most)."""

RESUMABLE_CHUNK = 8 * 1024 * 1024
"""Bytes per chunk of a resumable upload (Cloud Storage wants multiples of 256 KiB)."""

POLL_INITIAL = 0.5
POLL_MULTIPLIER = 1.5
POLL_MAX = 30.0
"""wait_for_job polls after 0.5 s, then 1.5 times longer each time, up to 30 s between polls."""

POLL_PAUSE_MAX = 3600.0
"""The longest wait_for_job sleeps at once, whatever a bucket's reset says (X's windows are 15
minutes; a reset years away is nonsense, and would overflow time.sleep)."""

POLL_RESERVE_FRACTION = 0.1
POLL_RESERVE_MIN = 2
"""wait_for_job leaves this share of the get-job bucket (at least POLL_RESERVE_MIN requests)
untouched, for the caller's other requests, and waits for the reset rather than spend it."""

PROBE_WAIT = 0.02
"""Seconds between looks, for requests waiting on the first answer that shows their bucket."""

CREATED_SLACK_SECONDS = 60
"""How far before a create call a job's created_at may be and still be the job the call made
(X's clock and ours differ a little; created_at has whole seconds)."""

UPLOAD_BATCH = 65536
"""IDs from an iterable written to the upload spool at a time."""
