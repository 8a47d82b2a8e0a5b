"""directline: a client for the Bot Framework Direct Line API (3.0 and 1.1).

A thin Python layer over the native libdirectline (the same C++ core as the C,
C++, C# and Java bindings). Activities travel in and out as dicts (received ones
are Activity, a dict with a few read-only properties); errors are DirectLineError
subclasses; every network wait releases the GIL.

Example::

    import directline

    with directline.Client("http://127.0.0.1:8080/v3/directline") as client:
        token = client.generate_token(secret, user_id="dl_user1")
        with client.start_conversation(token) as conversation:
            conversation.send_message("hello", user_id="dl_user1")
            for activity in conversation:
                if activity["type"] == "message" and not conversation.is_own(activity):
                    print(activity["text"])
                    break

A Copilot Studio agent (token endpoint, its region, greeting, streamed answer)::

    url = "https://.../powervirtualagents/botsbyschema/<schema>/directline/token?api-version=..."
    with directline.Client() as bootstrap:
        endpoint = bootstrap.fetch_regional_endpoint(url)
        token = bootstrap.fetch_token(url)
    with directline.Client(endpoint, stream_replies=True) as client, \\
            client.start_conversation(token, locale="en-US", send_start_event=True) as conversation:
        greeting = next(a for a in conversation if a["type"] == "message" and not a.is_own)
        sent = conversation.send_message("What can you do?")
        for update in conversation.stream_reply(sent, timeout=60):
            print(update.text)

``directline.aio`` has the same API as coroutines; ``python -m directline`` is a CLI.
"""
from __future__ import annotations

try:
    from . import _directline
except ImportError as e:  # e.g. importing the source tree without a build
    raise ImportError("directline: the compiled module directline._directline (or its "
                      "libdirectline.so.1) cannot be loaded; install the wheel (pip install .) "
                      f"or build the _directline target: {e}") from e
from ._client import (DEFAULT_USER_ID, Activity, Client, Conversation, ReplyUpdate, Token,
                      UploadFile, UploadSource)
from ._errors import (BadRequestError, BotError, ConflictError, ConversationClosedError,
                      ConversationEndedError, DirectLineError, DirectLineTimeoutError,
                      ForbiddenError, InsecureTransportError, InternalError,
                      InvalidArgumentError, NetworkError, NotFoundError, OutOfMemoryError,
                      ProtocolError, ServerError, ThrottledError, TLSError, TokenExpiredError,
                      UnauthorizedError, error_class)

#: The package version (the same as the C library's DL_VERSION_STRING it was built with).
__version__: str = _directline.__version__


def library_version() -> str:
    """Version of the loaded native library libdirectline.so.1."""
    return _directline.library_version()


__all__ = [
    "__version__", "library_version", "DEFAULT_USER_ID",
    "Activity", "Client", "Conversation", "ReplyUpdate", "Token", "UploadFile", "UploadSource",
    "DirectLineError", "InvalidArgumentError", "UnauthorizedError", "ForbiddenError",
    "TokenExpiredError", "NotFoundError", "ConflictError", "ThrottledError", "BotError",
    "ServerError", "NetworkError", "DirectLineTimeoutError", "TLSError", "ProtocolError",
    "ConversationEndedError", "ConversationClosedError", "OutOfMemoryError",
    "BadRequestError", "InsecureTransportError", "InternalError", "error_class",
]
