"""Every error body the emulator sends, in X's words and Cloud Storage's, in one place.

X answers its API errors with RFC 7807 problems (``application/problem+json``); Cloud Storage
answers signed-URL requests with a small XML document; a proxy in front of either may answer 502
or 503 with an HTML page. The texts here are what the emulator's users (and their tests) match.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Final
from xml.sax.saxutils import escape

PROBLEMS: Final = "https://api.twitter.com/2/problems/"

ProblemJSON = dict[str, object]


def invalid_request(errors: list[dict[str, object]]) -> ProblemJSON:
    """400: one entry in ``errors`` per bad parameter: ``{"parameters": ..., "message": ...}``."""
    return {
        "errors": errors,
        "title": "Invalid Request",
        "detail": "One or more parameters to your request was invalid.",
        "type": PROBLEMS + "invalid-request",
    }


def parameter_error(name: str, values: list[str], message: str) -> dict[str, object]:
    return {"parameters": {name: values}, "message": message}


def not_one_of(name: str, value: str, allowed: tuple[str, ...]) -> dict[str, object]:
    """X's text for a query parameter outside its enumeration."""
    message = f"The `{name}` query parameter value [{value}] is not one of [{','.join(allowed)}]"
    return parameter_error(name, [value], message)


def about_blank(status: int) -> ProblemJSON:
    """X's plain HTTP error: 401, 429, 503... ``title`` and ``detail`` are the status text."""
    phrase = HTTPStatus(status).phrase
    return {"title": phrase, "detail": phrase, "type": "about:blank", "status": status}


UNAUTHORIZED: Final[ProblemJSON] = {
    "title": "Unauthorized",
    "type": "about:blank",
    "status": 401,
    "detail": "Unauthorized",
}

TOO_MANY_REQUESTS: Final[ProblemJSON] = about_blank(429)

CONFLICT: Final[ProblemJSON] = {
    "title": "Conflict",
    "detail": "You cannot create a new job if one is already in progress.",
    "type": PROBLEMS + "conflict",
}

PAGE_NOT_FOUND: Final[ProblemJSON] = {
    "title": "Not Found Error",
    "detail": "Sorry, that page does not exist.",
    "type": "about:blank",
    "status": 404,
}


def job_not_found(job_id: str) -> dict[str, object]:
    """The body of a 200 for a well-formed id that names no job: X's lookup style."""
    return {
        "errors": [
            {
                "value": job_id,
                "detail": f"Could not find compliance job with id: [{job_id}].",
                "title": "Not Found Error",
                "resource_type": "compliance_job",
                "parameter": "id",
                "resource_id": job_id,
                "type": PROBLEMS + "resource-not-found",
            }
        ]
    }


def html_page(status: int) -> bytes:
    """What a proxy in front of X or Cloud Storage answers: a short HTML page, not JSON."""
    phrase = HTTPStatus(status).phrase
    return (f"<html><head><title>{status} {phrase}</title></head><body>{phrase}</body></html>").encode()


# Cloud Storage's XML errors. Codes and messages follow what Cloud Storage sends; the Details
# texts are the emulator's where Cloud Storage's own depend on its internals (string-to-sign).


def storage_error(code: str, message: str, details: str | None = None) -> bytes:
    parts = f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
    if details is not None:
        parts += f"<Details>{escape(details)}</Details>"
    return f"<?xml version='1.0' encoding='UTF-8'?><Error>{parts}</Error>".encode()


def expired_token(expired_at: str) -> bytes:
    return storage_error(
        "ExpiredToken",
        "Invalid argument.",
        f"The provided token has expired. Request signature expired at: {expired_at}",
    )


SIGNATURE_DOES_NOT_MATCH: Final = storage_error(
    "SignatureDoesNotMatch",
    "Access denied.",
    "The request signature we calculated does not match the signature you provided. "
    "Check your Google secret key and signing method.",
)

AUTHORIZATION_WITH_SIGNATURE: Final = storage_error(
    "InvalidAuthenticationInfo",
    "Invalid argument.",
    "A request may be authenticated by an Authorization header or by a signed URL, not both: "
    "send no Authorization header to a signed URL.",
)

ANONYMOUS_ACCESS: Final = storage_error(
    "AccessDenied",
    "Access denied.",
    "Anonymous caller does not have storage.objects access to the Google Cloud Storage object.",
)


def invalid_argument(details: str) -> bytes:
    """A malformed signed URL, or a resumable chunk that does not fit its session."""
    return storage_error("InvalidArgument", "Invalid argument.", details)


NO_SUCH_KEY: Final = storage_error("NoSuchKey", "The specified key does not exist.")

NO_SUCH_UPLOAD: Final = storage_error(
    "NoSuchUpload", "The requested upload was not found.", "No such upload session."
)

INVALID_RANGE: Final = storage_error("InvalidRange", "The requested range cannot be satisfied.")


MISSING_CONTENT_LENGTH: Final = storage_error(
    "MissingContentLength",
    "You must provide the Content-Length HTTP header.",
)


def storage_fault(status: int) -> bytes:
    """The XML body of an injected storage fault that is not a proxy's HTML page."""
    codes = {429: "SlowDown", 500: "InternalError", 403: "AccessDenied", 404: "NoSuchKey"}
    return storage_error(codes.get(status, "InternalError"), HTTPStatus(status).phrase)
