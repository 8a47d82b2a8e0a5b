"""``python -m directline``: the same subcommands, flags, output and exit codes as
the native ``directline`` CLI (tools/cli), built on this package.

Output is the service's JSON on stdout (listen: one activity per line). Errors go
to stderr as ``directline: MESSAGE (KIND, HTTP STATUS, SERVICE CODE)``. A secret
is never taken from argv: use --secret-file FILE (``-`` for stdin),
--secret-stdin or $DIRECTLINE_SECRET.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any, Callable, Dict, List, NoReturn, Optional, Sequence, TextIO, Tuple

from . import _directline
from ._client import Activity, Client, Conversation, Token, UploadFile
from ._errors import DirectLineError

__all__ = ["main"]

COMMANDS: Dict[str, Tuple[str, str]] = {
    "generate-token": ("exchange a secret for a token bound to one new conversation",
                       "generate-token [--user-id ID] [--user-name NAME] [--trusted-origin URL]..."),
    "start-conversation": ("start a conversation with a secret or a token", "start-conversation"),
    "refresh-token": ("refresh (3.0) or renew (1.1, needs --conversation) a token",
                      "refresh-token --token T [--conversation ID]"),
    "reconnect": ("get a fresh stream URL for a conversation (3.0)",
                  "reconnect --conversation ID [--watermark W]"),
    "send": ("post one activity (a text message, or any activity JSON)",
             "send --conversation ID (--text TEXT | TEXT... | --activity JSON | --activity-file F)"),
    "activities": ("one poll: print the service's activity set after a watermark",
                   "activities --conversation ID [--watermark W]"),
    "upload": ("upload files as one message",
               "upload --conversation ID --file PATH... [--content-type TYPE] "
               "[--text TEXT | --activity JSON]"),
    "end": ("end the conversation (post endOfConversation)", "end --conversation ID"),
    "listen": ("print activities as they arrive, one JSON per line (NDJSON)",
               "listen --conversation ID [--watermark W | --from-start] [--max N] [--wait S] "
               "[--type T]... [--skip-own]"),
    "chat": ("interactive: send each stdin line, print the bot's replies; exits on EOF",
             "chat [--conversation ID] [--wait S] [--json]"),
}

_CREDENTIAL = ("start-conversation refresh-token reconnect send activities upload end listen "
               "chat").split()
_CONVERSATION = "reconnect send activities upload end listen chat refresh-token".split()
_SECRET_FILE = [c for c in _CREDENTIAL if c != "refresh-token"] + ["generate-token"]

# Exit codes, the same as the native CLI's.
EXIT_OK, EXIT_LOCAL, EXIT_USAGE, EXIT_TIMEOUT, EXIT_INTERRUPTED = 0, 1, 2, 12, 130
_EXIT_BY_CODE = {-1: 2, -18: 2, -2: 3, -3: 4, -4: 5, -5: 6, -6: 7, -17: 7, -7: 8, -8: 9,
                 -9: 10, -10: 11, -12: 11, -11: 12, -13: 13, -14: 14, -15: 130}
_CODE_NAMES = {0: "DL_OK", -1: "DL_EINVALID", -2: "DL_EUNAUTHORIZED", -3: "DL_EFORBIDDEN",
               -4: "DL_ETOKEN_EXPIRED", -5: "DL_ENOTFOUND", -6: "DL_ECONFLICT",
               -7: "DL_ETHROTTLED", -8: "DL_EBOT", -9: "DL_ESERVER", -10: "DL_ENETWORK",
               -11: "DL_ETIMEOUT", -12: "DL_ETLS", -13: "DL_EPROTOCOL", -14: "DL_EENDED",
               -15: "DL_ECANCELLED", -16: "DL_ENOMEM", -17: "DL_EBAD_REQUEST",
               -18: "DL_EINSECURE", -19: "DL_EINTERNAL"}


class LocalError(Exception):
    """A local failure (unreadable file, malformed input): exit 1 or the given code."""

    def __init__(self, message: str, exit_code: int = EXIT_LOCAL) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class UsageError(Exception):
    """A mistake on the command line (exit code 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _add_options(p: argparse.ArgumentParser, command: str) -> None:
    def has(commands: Sequence[str]) -> bool:
        return command in commands

    g = p.add_argument_group("global options")
    g.add_argument("--endpoint", metavar="URL",
                   help="Direct Line base URL (default $DIRECTLINE_ENDPOINT, else the public service)")
    g.add_argument("--api", choices=["3.0", "1.1"], default="3.0", help="protocol version")
    g.add_argument("--user-id", metavar="ID",
                   help="the user sending activities / bound into a generated token "
                        "(default $DIRECTLINE_USER_ID, else user1)")
    g.add_argument("--timeout", type=_seconds, metavar="SECONDS", help="bound on each request")
    g.add_argument("--retries", type=_positive_int, metavar="N",
                   help="attempts for retryable calls (1: no retry)")
    g.add_argument("--insecure-http", action="store_true",
                   help="allow plain http/ws to a non-loopback host")
    g.add_argument("--insecure-skip-tls-verify", action="store_true",
                   help="do not verify certificates (tests only)")
    g.add_argument("--ca-file", metavar="FILE", help="PEM bundle of trusted certificate authorities")
    g.add_argument("--log-level", choices=["debug", "info", "warn", "error"],
                   help="library log to stderr (redacted)")
    g.add_argument("--version", action="store_true", help="print the library version")
    o = p.add_argument_group("options")
    if has(_CREDENTIAL):
        o.add_argument("--token", metavar="TOKEN", help="a Direct Line token (or $DIRECTLINE_TOKEN)")
        o.add_argument("--token-file", metavar="FILE", help="read the token from FILE")
    if has(_SECRET_FILE):
        o.add_argument("--secret-file", metavar="FILE",
                       help="read the secret from FILE (first line; - for stdin); "
                            "or set $DIRECTLINE_SECRET")
        if command != "chat":
            o.add_argument("--secret-stdin", action="store_true",
                           help="read the secret from the first line of stdin")
    if has(_CONVERSATION):
        o.add_argument("--conversation", metavar="ID", help="the conversation id")
    if has(["reconnect", "activities", "listen"]):
        o.add_argument("--watermark", metavar="W", help="resume after this watermark")
    if command == "generate-token":
        o.add_argument("--user-name", metavar="NAME", help="user name bound into the token")
        o.add_argument("--trusted-origin", action="append", default=[], metavar="URL",
                       help="trusted origin (repeatable)")
    if has(["send", "upload"]):
        o.add_argument("--text", metavar="TEXT", help="message text")
        o.add_argument("--activity", metavar="JSON", help="the activity JSON to post")
        o.add_argument("--activity-file", metavar="FILE",
                       help="read the activity JSON from FILE (- for stdin)")
    if command == "upload":
        o.add_argument("--file", action="append", default=[], metavar="PATH",
                       help="a file to upload (repeatable)")
        o.add_argument("--content-type", metavar="TYPE",
                       help="media type of the files (default: by extension)")
    if has(["listen", "chat"]):
        o.add_argument("--polling", action="store_true",
                       help="receive by polling instead of the WebSocket stream")
        o.add_argument("--poll-interval", type=_positive_int, metavar="MS",
                       help="polling interval (default 1000)")
        o.add_argument("--wait", type=_seconds, metavar="SECONDS",
                       help="listen: stop when nothing arrives for this long; "
                            "chat: how long to wait for a reply (default 15)")
    if command == "listen":
        o.add_argument("--from-start", action="store_true",
                       help="first print every retained activity")
        o.add_argument("--skip-own", action="store_true", help="skip activities sent by --user-id")
        o.add_argument("--max", type=_non_negative_int, default=0, metavar="N",
                       help="stop after N activities (exit 12 if the wait ends first)")
        o.add_argument("--type", action="append", default=[], metavar="TYPE",
                       help="print only activities of this type (repeatable)")
    if command == "chat":
        o.add_argument("--json", action="store_true", help="print replies as NDJSON instead of text")
    p.add_argument("words", nargs="*", help=argparse.SUPPRESS)


def _seconds(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}") from None
    if not 0 <= v <= 86400 * 365:
        raise argparse.ArgumentTypeError(f"expected seconds >= 0, got {text!r}")
    return v


def _int_at_least(text: str, low: int) -> int:
    try:
        v = int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {text!r}") from None
    if not low <= v <= 1_000_000_000:
        raise argparse.ArgumentTypeError(f"expected an integer >= {low}, got {text!r}")
    return v


def _positive_int(text: str) -> int:
    return _int_at_least(text, 1)


def _non_negative_int(text: str) -> int:
    return _int_at_least(text, 0)


def _top_usage() -> str:
    lines = ["usage: python -m directline [options] COMMAND [command options]", "",
             "A client for the Bot Framework Direct Line API (3.0 and 1.1).", "", "commands:"]
    lines += [f"  {name:<20}{summary}" for name, (summary, _) in COMMANDS.items()]
    lines += ["", "credentials: a token (--token, --token-file or $DIRECTLINE_TOKEN) or a secret",
              "(--secret-file, --secret-stdin or $DIRECTLINE_SECRET); a secret is never taken "
              "from argv.",
              "exit codes: 0 ok, 1 local failure, 2 usage or invalid argument, 3 unauthorized,",
              "  4 forbidden, 5 token expired, 6 not found, 7 rejected request, 8 throttled,",
              "  9 bot error, 10 server error, 11 network or TLS, 12 timeout, 13 malformed "
              "response,", "  14 conversation ended, 130 interrupted.",
              "Run 'python -m directline COMMAND --help' for the options of a command."]
    return "\n".join(lines) + "\n"


def _find_command(argv: Sequence[str]) -> Optional[str]:
    takes_value = {"--endpoint", "--api", "--user-id", "--timeout", "--retries", "--ca-file",
                   "--log-level", "--token", "--token-file", "--secret-file", "--conversation",
                   "--watermark", "--user-name", "--trusted-origin", "--text", "--activity",
                   "--activity-file", "--file", "--content-type", "--poll-interval", "--wait",
                   "--max", "--type"}
    skip = False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--":
            return None
        if a.startswith("-"):
            skip = a in takes_value
            continue
        return a
    return None


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def _parse(argv: Sequence[str], out: TextIO, err: TextIO) -> Tuple[str, argparse.Namespace]:
    command = _find_command(argv) or ""
    if command == "help":
        rest = [a for a in argv if a != "help" and not a.startswith("-")]
        command = rest[0] if rest else ""
        argv = [command, "--help"] if command else ["--help"]
    if command and command not in COMMANDS:
        raise UsageError(f"unknown command '{command}'")
    summary, synopsis = COMMANDS.get(command, ("", ""))
    parser = _Parser(prog="python -m directline",
                     usage=f"python -m directline {synopsis}" if command else None,
                     description=summary or None, add_help=False)
    parser.add_argument("-h", "--help", action="store_true", help="show help")
    _add_options(parser, command)
    args_list = list(argv)
    if command:
        args_list.remove(command)
    args = parser.parse_args(args_list)
    if args.version:
        return "version", args
    if args.help:
        out.write(parser.format_help() if command else _top_usage())
        raise _Exit(EXIT_OK)
    if not command:
        err.write(_top_usage())
        raise _Exit(EXIT_USAGE)
    return command, args


def _trim(text: str) -> str:
    return text.strip(" \t\r\n")


def _read_file(path: str, what: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        raise LocalError(f"cannot read {what} file '{path}'") from None


def _credential_file(path: str, what: str) -> str:
    """The first line of a credential file; never echoes the content."""
    try:
        if os.stat(path).st_mode & 0o077:
            sys.stderr.write(f"directline: warning: {what} file '{path}' is accessible by other "
                             "users (chmod 600 it)\n")
    except OSError:
        pass
    first = _trim(_read_file(path, what).split("\n", 1)[0])
    if not first:
        raise LocalError(f"{what} file '{path}' is empty", EXIT_USAGE)
    return first


def _stdin_line(what: str) -> str:
    line = _trim(sys.stdin.readline())
    if not line:
        raise LocalError(f"no {what} on stdin", EXIT_USAGE)
    return line


def _env(name: str) -> Optional[str]:
    value = os.environ.get(name)
    return value if value else None


def _credential(args: argparse.Namespace, command: str, need: str = "either") -> str:
    """The secret or token for the call; ``need`` is "secret", "token" or "either"."""
    token = getattr(args, "token", None)
    token_file = getattr(args, "token_file", None)
    secret_file = getattr(args, "secret_file", None)
    secret_stdin = getattr(args, "secret_stdin", False)
    if sum(1 for s in (token is not None, token_file, secret_file, secret_stdin) if s) > 1:
        raise UsageError("give only one of --token, --token-file, --secret-file, --secret-stdin")
    if need == "secret" and (token is not None or token_file):
        raise UsageError(f"{command} needs a secret (--secret-file, --secret-stdin or "
                         "$DIRECTLINE_SECRET)")
    if need == "token" and (secret_file or secret_stdin):
        raise UsageError(f"{command} needs a token (--token, --token-file or $DIRECTLINE_TOKEN)")
    if token is not None:
        if not token:
            raise UsageError("--token is empty")
        return str(token)
    if token_file:
        return _credential_file(token_file, "token")
    if secret_file:
        return _stdin_line("secret") if secret_file == "-" else _credential_file(secret_file,
                                                                                 "secret")
    if secret_stdin:
        return _stdin_line("secret")
    env_token = _env("DIRECTLINE_TOKEN")
    if need != "secret" and env_token:
        return _trim(env_token)
    env_secret = _env("DIRECTLINE_SECRET")
    if need != "token" and env_secret:
        return _trim(env_secret)
    if need == "secret":
        raise UsageError("no secret: use --secret-file, --secret-stdin or $DIRECTLINE_SECRET")
    if need == "token":
        raise UsageError("no token: use --token, --token-file or $DIRECTLINE_TOKEN")
    raise UsageError("no credential: a token (--token, --token-file, $DIRECTLINE_TOKEN) or a "
                     "secret (--secret-file, --secret-stdin, $DIRECTLINE_SECRET)")


def _client(args: argparse.Namespace) -> Client:
    if args.log_level:
        os.environ["DIRECTLINE_LOG"] = args.log_level
    options: Dict[str, Any] = {}
    if args.timeout is not None:
        seconds = max(0.001, args.timeout)
        options["timeout"] = seconds
        options["retry_deadline"] = seconds
        if seconds < 10:
            options["connect_timeout"] = seconds
    if args.retries:
        options["retry_attempts"] = args.retries
    if getattr(args, "polling", False):
        options["receive_mode"] = "polling"
    if getattr(args, "poll_interval", None):
        options["polling_interval"] = args.poll_interval / 1000.0
    return Client(args.endpoint or _env("DIRECTLINE_ENDPOINT"), args.api,
                  allow_insecure_http=args.insecure_http, ca_file=args.ca_file or None,
                  insecure_skip_tls_verify=args.insecure_skip_tls_verify,
                  user_agent="directline-cli", **options)


def _user_id(args: argparse.Namespace) -> str:
    return str(args.user_id or _env("DIRECTLINE_USER_ID") or "user1")


def _require_conversation(args: argparse.Namespace, command: str) -> str:
    if not getattr(args, "conversation", None):
        raise UsageError(f"{command} needs --conversation ID")
    return str(args.conversation)


def _emit(out: TextIO, value: Any) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()


def _token_json(token: Token) -> Dict[str, Any]:
    result: Dict[str, Any] = {}
    if token.conversation_id is not None:
        result["conversationId"] = token.conversation_id
    result["token"] = token.token
    if token.expires_in > 0:
        result["expires_in"] = token.expires_in
    return result


def _conversation_json(conversation: Conversation) -> Dict[str, Any]:
    result: Dict[str, Any] = {"conversationId": conversation.id}
    if conversation.token is not None:
        result["token"] = conversation.token
    if conversation.expires_in > 0:
        result["expires_in"] = conversation.expires_in
    if conversation.stream_url is not None:
        result["streamUrl"] = conversation.stream_url
    return result


def _id_json(activity_id: Optional[str]) -> Dict[str, Any]:
    return {"id": activity_id} if activity_id is not None else {}  # 1.1 assigns none: {}


def _activity_arg(args: argparse.Namespace, user_id: str) -> Dict[str, Any]:
    if args.activity and args.activity_file:
        raise UsageError("give --activity or --activity-file, not both")
    text = args.activity if args.activity else _read_file(args.activity_file, "activity")
    try:
        activity = json.loads(text)
    except ValueError:
        activity = None
    if not isinstance(activity, dict):
        raise LocalError("the activity is not a JSON object", EXIT_USAGE)
    # The sender defaults to --user-id, so --activity '{"type":"event","name":"x"}' works.
    activity.setdefault("from", {"id": user_id})
    return activity


def _open(client: Client, args: argparse.Namespace, command: str,
          watermark: Optional[str] = None) -> Conversation:
    conversation_id = _require_conversation(args, command)
    return client.open_conversation(_credential(args, command), conversation_id, watermark)


def _no_positional(args: argparse.Namespace) -> None:
    if getattr(args, "words", None):
        raise UsageError(f"unexpected argument '{args.words[0]}'")


def _drain_history(conversation: Conversation, after: Optional[str],
                   emit: Callable[[Activity], None]) -> Optional[str]:
    """Pages through GET activities after ``after``; returns the last watermark ("now")."""
    for _ in range(100_000):
        page = conversation.get_activities(after)
        items = page.get("messages", page.get("activities", []))
        for item in items if isinstance(items, list) else []:
            emit(item)
        mark = page.get("watermark")
        if isinstance(mark, str):
            after = mark
        if not items or not isinstance(mark, str):
            break
    return after


def _open_for_receiving(client: Client, args: argparse.Namespace, command: str,
                        emit_history: Callable[[Activity], None]) -> Conversation:
    """Resumes after --watermark, or after the current end of the history ("from now")."""
    credential = _credential(args, command)
    conversation_id = _require_conversation(args, command)
    watermark = getattr(args, "watermark", None)
    if watermark is None:
        from_start = getattr(args, "from_start", False)
        with client.open_conversation(credential, conversation_id) as probe:
            watermark = _drain_history(probe, None,
                                       emit_history if from_start else lambda a: None)
    return client.open_conversation(credential, conversation_id, watermark)


def _sender(activity: Activity) -> str:
    sender = activity.get("from")
    if isinstance(sender, dict):
        return str(sender.get("id", ""))
    return sender if isinstance(sender, str) else ""  # 1.1: from is a string


def _listen(client: Client, args: argparse.Namespace, err: TextIO, out: TextIO) -> int:
    _no_positional(args)
    _require_conversation(args, "listen")
    if args.from_start and args.watermark is not None:
        raise UsageError("give --watermark or --from-start, not both")
    me = _user_id(args)
    types = set(args.type)
    printed = 0
    ended = False

    def emit(activity: Activity, own: bool = False) -> None:
        nonlocal printed, ended
        kind = activity.get("type", "")
        if kind == "endOfConversation":
            ended = True
        if args.skip_own and (own or _sender(activity) == me):
            return
        if types and kind not in types:
            return
        if args.max and printed >= args.max:
            return
        _emit(out, activity)
        printed += 1

    def done() -> bool:
        return ended or (args.max > 0 and printed >= args.max)

    with _open_for_receiving(client, args, "listen", emit) as conversation:
        # On stderr, so scripts can tell when activities sent from now on will be seen.
        err.write(f"directline: listening to conversation {conversation.id}\n")
        err.flush()
        while not done():
            activity = conversation.next_activity(args.wait)
            if activity is None:
                if conversation.ended or conversation.closed:
                    break
                if args.max > 0:
                    err.write(f"directline: only {printed} of {args.max} activities within "
                              f"{args.wait} s (DL_ETIMEOUT)\n")
                    return EXIT_TIMEOUT
                break
            emit(activity, conversation.is_own(activity))
    return EXIT_OK


def _chat(client: Client, args: argparse.Namespace, err: TextIO, out: TextIO) -> int:
    _no_positional(args)
    me = _user_id(args)
    wait = 15.0 if args.wait is None else args.wait
    if getattr(args, "conversation", None):
        conversation = _open_for_receiving(client, args, "chat", lambda a: None)
    else:
        conversation = client.start_conversation(_credential(args, "chat"))
        err.write(f"directline: conversation {conversation.id}\n")
        err.flush()

    def show(activity: Activity) -> None:
        kind = str(activity.get("type", ""))
        text = activity.get("text")
        if args.json:
            _emit(out, activity)
        elif isinstance(text, str) and text:
            out.write(text + "\n")
            out.flush()
        elif kind not in ("typing", "endOfConversation"):
            out.write(f"[{kind}]\n")
            out.flush()

    last_answered = True
    interactive = sys.stdin.isatty()
    with conversation:
        while True:
            if interactive:
                err.write("> ")
                err.flush()
            line = sys.stdin.readline()
            if not line:
                break
            text = line.rstrip("\r\n")
            if not text.strip():
                continue
            sent = conversation.send_message(text, user_id=me)
            last_answered = False
            deadline = time.monotonic() + wait
            # Show what arrives until the reply to this message (any bot message on 1.1).
            while not last_answered:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                activity = conversation.next_activity(left)
                if activity is None:
                    if conversation.ended:
                        err.write("directline: the conversation has ended\n")
                        return EXIT_OK
                    break
                if conversation.is_own(activity) or _sender(activity) == me:
                    continue
                show(activity)
                kind = activity.get("type")
                if kind == "endOfConversation":
                    err.write("directline: the conversation has ended\n")
                    return EXIT_OK
                if kind != "typing" and (sent is None or activity.get("replyToId") == sent):
                    last_answered = True
    if not last_answered:
        err.write(f"directline: no reply from the bot within {wait:g} s (DL_ETIMEOUT)\n")
        return EXIT_TIMEOUT
    return EXIT_OK


def _run(command: str, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if command == "version":
        out.write(f"directline {_directline.library_version()}\n")
        return EXIT_OK
    if command == "chat" and getattr(args, "secret_file", None) == "-":
        raise UsageError("chat reads stdin: use --secret-file FILE")
    with _client(args) as client:
        user_id = _user_id(args)
        if command == "generate-token":
            secret = _credential(args, command, "secret")
            _emit(out, _token_json(client.generate_token(
                secret, user_id=args.user_id or _env("DIRECTLINE_USER_ID"),
                user_name=args.user_name or None, trusted_origins=args.trusted_origin)))
        elif command == "start-conversation":
            with client.start_conversation(_credential(args, command)) as conversation:
                _emit(out, _conversation_json(conversation))
        elif command == "refresh-token":
            token = _credential(args, command, "token")
            if args.api == "1.1" and not args.conversation:
                raise UsageError("refresh-token with --api 1.1 needs --conversation ID")
            _emit(out, _token_json(client.refresh_token(token, args.conversation or None)))
        elif command == "reconnect":
            with _open(client, args, command) as conversation:
                conversation.reconnect(args.watermark)
                _emit(out, _conversation_json(conversation))
        elif command == "send":
            has_activity = bool(args.activity or args.activity_file)
            text = args.text
            if args.words:
                if text is not None or has_activity:
                    raise UsageError(f"unexpected argument '{args.words[0]}'")
                text = " ".join(args.words)
            if text is not None and has_activity:
                raise UsageError("give --text or --activity, not both")
            if text is None and not has_activity:
                raise UsageError("send needs --text TEXT or --activity JSON")
            activity = _activity_arg(args, user_id) if has_activity else None
            with _open(client, args, command) as conversation:
                sent = conversation.send_message(text, user_id=user_id) if activity is None \
                    else conversation.post_activity(activity)
                _emit(out, _id_json(sent))
        elif command == "activities":
            with _open(client, args, command) as conversation:
                _emit(out, conversation.get_activities(args.watermark))
        elif command == "upload":
            if not args.file:
                raise UsageError("upload needs at least one --file PATH")
            if args.text is not None and (args.activity or args.activity_file):
                raise UsageError("give --text or --activity, not both")
            files: List[UploadFile] = []
            for path in args.file:
                try:
                    upload = UploadFile.from_path(path, args.content_type or None)
                except OSError:
                    raise LocalError(f"cannot read upload file '{path}'") from None
                if upload.content_type is None:
                    upload = UploadFile(upload.name, upload.data, "application/octet-stream")
                files.append(upload)
            upload_activity: Optional[Dict[str, Any]] = None
            if args.activity or args.activity_file:
                upload_activity = _activity_arg(args, user_id)
            elif args.text is not None:
                upload_activity = {"type": "message", "from": {"id": user_id}, "text": args.text}
            with _open(client, args, command) as conversation:
                _emit(out, _id_json(conversation.upload(files, user_id=user_id,
                                                        activity=upload_activity)))
        elif command == "end":
            with _open(client, args, command) as conversation:
                _emit(out, _id_json(conversation.end(user_id)))
        elif command == "listen":
            return _listen(client, args, err, out)
        elif command == "chat":
            return _chat(client, args, err, out)
    return EXIT_OK


def _describe(e: DirectLineError) -> str:
    """MESSAGE (CODE, HTTP STATUS, SERVICE CODE[, retry after N s]), as the native CLI."""
    details = [_CODE_NAMES.get(e.code, "DL_E?")]
    if e.http_status:
        details.append(f"HTTP {e.http_status}")
    if e.service_code:
        details.append(e.service_code)
    if e.retry_after is not None:
        details.append(f"retry after {e.retry_after} s")
    return f"{e.message} ({', '.join(details)})"


def main(argv: Optional[Sequence[str]] = None, *, stdout: Optional[TextIO] = None,
         stderr: Optional[TextIO] = None) -> int:
    """Runs the CLI with ``argv`` (default sys.argv[1:]); returns the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = ""
    try:
        command, args = _parse(args_list, out, err)
        return _run(command, args, out, err)
    except _Exit as e:
        return e.code
    except UsageError as e:
        hint = f"{command} " if command and command != "version" else ""
        err.write(f"directline: {e}\nTry 'python -m directline {hint}--help'.\n")
        return EXIT_USAGE
    except LocalError as e:
        err.write(f"directline: {e}\n")
        return e.exit_code
    except DirectLineError as e:
        err.write(f"directline: {_describe(e)}\n")
        return _EXIT_BY_CODE.get(e.code, EXIT_LOCAL)
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_OK
