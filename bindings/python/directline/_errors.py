"""Exception classes: one per C error code (dl_result), all under DirectLineError.

Messages come from the C library, which never puts secrets or tokens in them.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type

__all__ = [
    "DirectLineError",
    "InvalidArgumentError",
    "UnauthorizedError",
    "ForbiddenError",
    "TokenExpiredError",
    "NotFoundError",
    "ConflictError",
    "ThrottledError",
    "BotError",
    "ServerError",
    "NetworkError",
    "DirectLineTimeoutError",
    "TLSError",
    "ProtocolError",
    "ConversationEndedError",
    "ConversationClosedError",
    "OutOfMemoryError",
    "BadRequestError",
    "InsecureTransportError",
    "InternalError",
]


class DirectLineError(Exception):
    """A failed Direct Line call.

    Attributes:
        code: the C library's dl_result code (negative int, e.g. -4 for token expired).
        http_status: HTTP status of the failing response; 0 when there was none.
        service_code: the service's ``error.code`` (e.g. ``"TokenExpired"``); ``""`` if none.
        retry_after: seconds the service asked to wait (429 ``Retry-After``); None if not sent.
        message: human-readable text; never contains secrets or tokens.
    """

    #: dl_result code this class stands for (the base class: any).
    default_code = 0

    def __init__(self, message: str, *, code: Optional[int] = None, http_status: int = 0,
                 service_code: str = "", retry_after: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.code: int = self.default_code if code is None else code
        self.http_status = http_status
        self.service_code = service_code
        self.retry_after = retry_after

    @property
    def result_name(self) -> str:
        """The C name of ``code``, e.g. ``"DL_ETOKEN_EXPIRED"`` (``"DL_UNKNOWN"`` if none)."""
        from . import _directline  # here: this module is imported by the compiled one
        return _directline.result_name(self.code)

    def __str__(self) -> str:
        details = []
        if self.http_status:
            details.append(f"HTTP {self.http_status}")
        if self.service_code:
            details.append(self.service_code)
        if self.retry_after is not None:
            details.append(f"retry after {self.retry_after} s")
        return f"{self.message} ({', '.join(details)})" if details else self.message

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({self.message!r}, code={self.code}, "
                f"http_status={self.http_status}, service_code={self.service_code!r}, "
                f"retry_after={self.retry_after!r})")

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        # Keeps the keyword-only fields across pickling (multiprocessing, logging queues).
        return (_rebuild, (type(self), self.message, self.code, self.http_status,
                           self.service_code, self.retry_after))


def _rebuild(cls: Type[DirectLineError], message: str, code: int, http_status: int,
             service_code: str, retry_after: Optional[int]) -> DirectLineError:
    return cls(message, code=code, http_status=http_status, service_code=service_code,
               retry_after=retry_after)


class InvalidArgumentError(DirectLineError, ValueError):
    """An argument was invalid (bad JSON, empty id, NUL in a string, bad option). Also a ValueError."""
    default_code = -1


class UnauthorizedError(DirectLineError):
    """HTTP 401: missing or malformed credentials."""
    default_code = -2


class ForbiddenError(DirectLineError):
    """HTTP 403: unknown secret or token, or a token of another conversation."""
    default_code = -3


class TokenExpiredError(ForbiddenError):
    """HTTP 403 with service code ``TokenExpired``: refresh earlier or get a new token."""
    default_code = -4


class NotFoundError(DirectLineError):
    """HTTP 404: unknown conversation or path."""
    default_code = -5


class ConflictError(DirectLineError):
    """HTTP 409."""
    default_code = -6


class ThrottledError(DirectLineError):
    """HTTP 429: too many requests; ``retry_after`` says how long to wait (seconds)."""
    default_code = -7


class BotError(DirectLineError):
    """HTTP 502/504: the bot failed or timed out."""
    default_code = -8


class ServerError(DirectLineError):
    """Another HTTP 5xx, or an unexpected status."""
    default_code = -9


class NetworkError(DirectLineError, ConnectionError):
    """Connection failure, dropped connection, DNS or proxy error. Also a ConnectionError."""
    default_code = -10


class DirectLineTimeoutError(DirectLineError, TimeoutError):
    """A request timed out, or a streamed reply stopped growing. Also the builtin
    TimeoutError (named so it does not shadow it)."""
    default_code = -11


class TLSError(DirectLineError):
    """TLS handshake or certificate verification failed."""
    default_code = -12


class ProtocolError(DirectLineError):
    """Malformed or truncated response from the service."""
    default_code = -13


class ConversationEndedError(DirectLineError):
    """The conversation has ended (endOfConversation was sent or received)."""
    default_code = -14


class ConversationClosedError(DirectLineError):
    """The conversation was closed (by close() or the context manager) while or before the call."""
    default_code = -15


class OutOfMemoryError(DirectLineError, MemoryError):
    """The native library ran out of memory. Also a MemoryError."""
    default_code = -16


class BadRequestError(DirectLineError):
    """HTTP 400/413: the service rejected the request (e.g. activity too large, missing userId)."""
    default_code = -17


class InsecureTransportError(DirectLineError):
    """Plain http:// to a non-loopback host without ``allow_insecure_http=True``."""
    default_code = -18


class InternalError(DirectLineError):
    """A bug in the native library; please report it."""
    default_code = -19


_BY_CODE: Dict[int, Type[DirectLineError]] = {
    cls.default_code: cls
    for cls in (InvalidArgumentError, UnauthorizedError, ForbiddenError, TokenExpiredError,
                NotFoundError, ConflictError, ThrottledError, BotError, ServerError, NetworkError,
                DirectLineTimeoutError, TLSError, ProtocolError, ConversationEndedError,
                ConversationClosedError, OutOfMemoryError, BadRequestError,
                InsecureTransportError, InternalError)
}


def error_class(code: int) -> Type[DirectLineError]:
    """The exception class for a dl_result code (DirectLineError for unknown codes)."""
    return _BY_CODE.get(code, DirectLineError)


def _from_native(code: int, http_status: int, service_code: str, message: str,
                 retry_after: Optional[int]) -> DirectLineError:
    """Called by the compiled module to turn a directline::Error into an exception."""
    return error_class(code)(message, code=code, http_status=http_status,
                             service_code=service_code, retry_after=retry_after)
