/**
 * @file directline.h
 * directline.h - C API of the directline SDK, a client for the Bot Framework
 * Direct Line API (3.0 and 1.1).
 *
 * This header is the only stable ABI of libdirectline.so.1. It compiles as
 * strict C99 and as C++.
 *
 * Conventions
 * - Every fallible function returns int: DL_OK (0) or a negative dl_result.
 *   Details of the last failure on the calling thread: dl_error_last().
 * - Output parameters come last. On failure *out is set to NULL.
 * - Handles (dl_client, dl_token, dl_conversation, dl_activity) are opaque;
 *   each has exactly one free function, which accepts NULL.
 * - NULL handles: a free function does nothing, a getter returns NULL (or 0),
 *   and a fallible function returns DL_EINVALID.
 *   Nothing crashes on NULL.
 * - "Borrowed" strings (const char * results) belong to the library and stay
 *   valid, unchanged, as long as the handle they came from, even when the
 *   value behind them moves on (a refreshed token is a new string; the old
 *   pointer stays valid). Two exceptions, each said at its function:
 *   dl_error_last() (until the next dl_ call on the thread) and
 *   dl_conversation_watermark() (a per-thread copy, until the thread's next
 *   call of it), because those values change while a handle lives and a
 *   history of them would grow without bound. Static strings (versions,
 *   result names) live for the process.
 * - "Owned" strings are returned through char ** and must be released with
 *   dl_string_free(), from any thread.
 * - Threads: a dl_client may be shared by any number of threads. A
 *   dl_conversation may be used from several threads at once. dl_token and
 *   dl_activity are immutable after creation and may be read from any thread.
 *   No user callback ever runs while the library holds one of its locks.
 * - Secrets and tokens never appear in error messages or log output.
 */
#ifndef DIRECTLINE_H
#define DIRECTLINE_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(DL_NO_VISIBILITY)
#define DL_API __attribute__((visibility("default")))
#else
#define DL_API
#endif

/* ----------------------------------------------------------------------- */
/* Version                                                                  */
/* ----------------------------------------------------------------------- */

/** Major version of this header: a change means an incompatible ABI (new SONAME). */
#define DL_VERSION_MAJOR 0
/** Minor version of this header: a change appends declarations only. */
#define DL_VERSION_MINOR 2
/** Patch version of this header: fixes only, no API change. */
#define DL_VERSION_PATCH 0
/** This header's version; dl_version_string() gives the loaded library's. */
#define DL_VERSION_STRING "0.2.0"

/** The library's version as "MAJOR.MINOR.PATCH" (static storage). */
DL_API const char *dl_version_string(void);

/* ----------------------------------------------------------------------- */
/* Results and errors                                                       */
/* ----------------------------------------------------------------------- */

/**
 * The one list of result codes: X(NAME, VALUE, DESCRIPTION) for each. It
 * defines the dl_result enum below and what dl_result_string() and
 * dl_result_name() return, and bindings check their constants against it.
 * Part of the ABI: values are never renumbered, only appended.
 *
 * | code              | when                                                          |
 * |-------------------|---------------------------------------------------------------|
 * | DL_EINVALID       | invalid argument (NULL, bad JSON, bad handle state, bad option) |
 * | DL_EUNAUTHORIZED  | HTTP 401: missing or malformed credentials                    |
 * | DL_EFORBIDDEN     | HTTP 403: unknown secret/token, token of another conversation |
 * | DL_ETOKEN_EXPIRED | HTTP 403 with service code "TokenExpired"                     |
 * | DL_ENOTFOUND      | HTTP 404: unknown conversation or path                        |
 * | DL_ECONFLICT      | HTTP 409                                                      |
 * | DL_ETHROTTLED     | HTTP 429; dl_error.retry_after_s says how long to wait        |
 * | DL_EBOT           | HTTP 502/504: the bot failed or timed out                     |
 * | DL_ESERVER        | other HTTP 5xx, or an unexpected status                       |
 * | DL_ENETWORK       | connect failure, dropped connection, DNS, proxy               |
 * | DL_ETIMEOUT       | a request timed out; or no activity within the wait           |
 * | DL_ETLS           | TLS handshake or certificate verification failed              |
 * | DL_EPROTOCOL      | malformed, oversized, too deeply nested or truncated response, or a redirect |
 * | DL_EENDED         | the conversation has ended (endOfConversation)                |
 * | DL_ECANCELLED     | the conversation was closed while the call waited             |
 * | DL_ENOMEM         | out of memory                                                 |
 * | DL_EBAD_REQUEST   | HTTP 400/413: the service rejected the request                |
 * | DL_EINSECURE      | plain http to a non-loopback host without opt-in              |
 * | DL_EINTERNAL      | a bug in the library; please report it                        |
 */
#define DL_RESULT_LIST(X)                                         \
    X(DL_OK, 0, "ok")                                             \
    X(DL_EINVALID, -1, "invalid argument")                        \
    X(DL_EUNAUTHORIZED, -2, "unauthorized")                       \
    X(DL_EFORBIDDEN, -3, "forbidden")                             \
    X(DL_ETOKEN_EXPIRED, -4, "token expired")                     \
    X(DL_ENOTFOUND, -5, "not found")                              \
    X(DL_ECONFLICT, -6, "conflict")                               \
    X(DL_ETHROTTLED, -7, "throttled")                             \
    X(DL_EBOT, -8, "bot error")                                   \
    X(DL_ESERVER, -9, "server error")                             \
    X(DL_ENETWORK, -10, "network error")                          \
    X(DL_ETIMEOUT, -11, "timed out")                              \
    X(DL_ETLS, -12, "TLS error")                                  \
    X(DL_EPROTOCOL, -13, "protocol error")                        \
    X(DL_EENDED, -14, "conversation ended")                       \
    X(DL_ECANCELLED, -15, "cancelled")                            \
    X(DL_ENOMEM, -16, "out of memory")                            \
    X(DL_EBAD_REQUEST, -17, "bad request")                        \
    X(DL_EINSECURE, -18, "insecure connection refused")           \
    X(DL_EINTERNAL, -19, "internal error")

#define DL_RESULT_ENUMERATOR_(name, value, description) name = value,
/** Result codes: see DL_RESULT_LIST. */
typedef enum dl_result {
    DL_RESULT_LIST(DL_RESULT_ENUMERATOR_)
} dl_result;
#undef DL_RESULT_ENUMERATOR_

/**
 * Details of the last failed call on the calling thread.
 * All strings are never NULL (possibly empty).
 */
typedef struct dl_error {
    int code;                 /**< a dl_result */
    int http_status;          /**< HTTP status of the failing response, 0 when none */
    const char *service_code; /**< the service's error.code, e.g. "TokenExpired"; may be "" */
    const char *message;      /**< human readable; never contains secrets or tokens */
    int retry_after_s;        /**< Retry-After in seconds when the service sent one, else -1 */
} dl_error;

/**
 * The last error on the calling thread. Never NULL; owned by the library,
 * valid until the next dl_ call on this thread. After a successful call its
 * code is DL_OK.
 */
DL_API const dl_error *dl_error_last(void);

/** A short static description of a result code ("token expired", ...). Never NULL. */
DL_API const char *dl_result_string(int code);

/**
 * The enumerator name of a result code, e.g. "DL_ETOKEN_EXPIRED" (static
 * storage), or "DL_UNKNOWN" for a value that is not in DL_RESULT_LIST.
 * Since 0.2.
 */
DL_API const char *dl_result_name(int code);

/** Releases a string the library returned as owned (char **). Accepts NULL. */
DL_API void dl_string_free(char *s);

/* ----------------------------------------------------------------------- */
/* Logging                                                                  */
/* ----------------------------------------------------------------------- */

/** Log levels for dl_set_log_handler, least severe first. */
typedef enum dl_log_level {
    DL_LOG_DEBUG = 0, /**< diagnostics */
    DL_LOG_INFO = 1,  /**< informational */
    DL_LOG_WARN = 2,  /**< warnings */
    DL_LOG_ERROR = 3, /**< errors */
    DL_LOG_OFF = 4    /**< nothing (as min_level) */
} dl_log_level;

/** A log sink. message is redacted (no secrets or tokens), borrowed for the call. */
typedef void (*dl_log_fn)(int level, const char *message, void *user_data);

/**
 * Installs a process-wide log sink for messages at min_level or above.
 * fn NULL restores the default: nothing is logged unless the environment
 * variable DIRECTLINE_LOG is set to debug|info|warn|error (then to stderr).
 * The sink may be called from any thread, never inside a library lock.
 */
DL_API void dl_set_log_handler(dl_log_fn fn, int min_level, void *user_data);

/* ----------------------------------------------------------------------- */
/* Client                                                                   */
/* ----------------------------------------------------------------------- */

/** A client: endpoint and options, shared connections. Thread-safe. */
typedef struct dl_client dl_client;
/** A token and its lifetime. Immutable. */
typedef struct dl_token dl_token;
/** A conversation: send, receive, export. Usable from several threads. */
typedef struct dl_conversation dl_conversation;
/** One received activity (JSON and accessors). Immutable. */
typedef struct dl_activity dl_activity;

/** Which Direct Line API the client speaks. */
typedef enum dl_api_version {
    DL_API_V3 = 0,    /**< Direct Line 3.0 (default) */
    DL_API_V1_1 = 1   /**< Direct Line 1.1 (legacy; polling only) */
} dl_api_version;

/** How conversations receive activities. */
typedef enum dl_receive_mode {
    DL_RECEIVE_AUTO = 0,    /**< WebSocket stream when there is a streamUrl, polling otherwise */
    DL_RECEIVE_POLLING = 1  /**< always poll GET activities with the watermark */
} dl_receive_mode;

/** The dl_client_options version this header describes. */
#define DL_CLIENT_OPTIONS_VERSION 2

/**
 * Client options. Zero means "default" for every field but version, so
 * DL_CLIENT_OPTIONS_INIT or dl_client_options_init() give secure defaults.
 * Strings are copied by dl_client_new(). Fields are only ever appended; the
 * version says which fields the caller's struct has (dl_client_new never
 * reads past them), so a program built against an older header keeps working.
 */
typedef struct dl_client_options {
    unsigned int version;        /**< DL_CLIENT_OPTIONS_VERSION (or an older version) */
    const char *endpoint;        /**< base URL as DirectLineJS's `domain`, or a region name:
                                      "global", "europe", "india", "usgov", "china" (the
                                      official Direct Line host of that region, with the
                                      api_version's path). NULL: "global" */
    int api_version;             /**< dl_api_version */
    int connect_timeout_ms;      /**< TCP + TLS + proxy tunnel setup; 0: 10000 */
    int request_timeout_ms;      /**< one whole HTTP exchange, body included; 0: 30000 */
    int retry_max_attempts;      /**< tries for retryable calls (GET, token); 0: 4; 1: no retry */
    int retry_deadline_ms;       /**< total time budget of one retried call; 0: 60000 */
    int retry_base_delay_ms;     /**< first backoff delay (doubles, with jitter); 0: 250 */
    const char *user_agent;      /**< appended to "directline-c/VERSION"; NULL: none */
    const char *proxy;           /**< NULL: from the environment (https_proxy/HTTPS_PROXY for
                                      https and wss, http_proxy for http and ws, minus
                                      no_proxy/NO_PROXY; never for loopback hosts);
                                      "": no proxy; "http://[user:password@]host:port": that
                                      proxy for every request (HTTP CONNECT for https, wss) */
    const char *ca_file;         /**< PEM bundle to trust; NULL: the system store */
    int insecure_skip_tls_verify;/**< nonzero disables certificate checks (tests only! logged as a warning) */
    int allow_insecure_http;     /**< nonzero permits http:// and ws:// to non-loopback hosts */
    int receive_mode;            /**< dl_receive_mode */
    int polling_interval_ms;     /**< 0: 1000 */
    int disable_auto_refresh;    /**< nonzero: conversations do not refresh their token. Otherwise
                                      a token is refreshed at half of each lifetime, receiving or
                                      not; once it cannot be, next_activity returns DL_ETOKEN_EXPIRED */
    /* version 2 (0.2) */
    int stream_replies;          /**< nonzero: every posted message asks for a streamed reply
                                      ("deliveryMode": "stream") unless it sets deliveryMode */
    int max_response_bytes;      /**< largest response body accepted; 0: 8 MiB; past it DL_EPROTOCOL */
    int reconnect_base_delay_ms; /**< stream reconnect backoff: first ceiling (full jitter); 0: 1000 */
    int reconnect_max_delay_ms;  /**< stream reconnect backoff: largest ceiling; 0: 15000 */
    int receive_queue_limit;     /**< activities received but not yet taken by next_activity
                                      before the conversation stops reading; 0: 1000 */
} dl_client_options;

/** Initializer for dl_client_options: the current version, every field default. */
#define DL_CLIENT_OPTIONS_INIT { DL_CLIENT_OPTIONS_VERSION, NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }

/**
 * Sets the fields of `version` (1..DL_CLIENT_OPTIONS_VERSION) to their
 * defaults and options->version to `version`; never writes past that
 * version's struct. options must not be NULL. Since 0.2.
 */
DL_API void dl_client_options_init_version(dl_client_options *options, unsigned int version);

/**
 * Sets version and defaults. As a function (for programs built against the
 * 0.1 header) it initialises the version 1 fields only; the macro below makes
 * calls compiled against this header initialise the current version.
 * options must not be NULL.
 */
DL_API void dl_client_options_init(dl_client_options *options);
/** Initialises every field this header knows (the current version). */
#define dl_client_options_init(options) \
    dl_client_options_init_version((options), DL_CLIENT_OPTIONS_VERSION)

/**
 * Creates a client. options NULL means defaults. Fails with DL_EINVALID for a
 * bad endpoint or an option version newer than the library's, DL_EINSECURE for plain http to a
 * non-loopback host without allow_insecure_http. *out is set to NULL on failure.
 * A client reuses connections and may be shared by any number of threads.
 */
DL_API int dl_client_new(const dl_client_options *options, dl_client **out);

/**
 * Frees a client. Accepts NULL. Conversations created from it stay valid
 * (they hold a reference to what they need).
 */
DL_API void dl_client_free(dl_client *client);

/** The effective endpoint (borrowed, lives as long as the client). */
DL_API const char *dl_client_endpoint(const dl_client *client);

/* ----------------------------------------------------------------------- */
/* Tokens                                                                   */
/* ----------------------------------------------------------------------- */

/** The dl_token_options version this header describes. */
#define DL_TOKEN_OPTIONS_VERSION 1

/** Token parameters (3.0 TokenParameters). Strings are read during the call only. */
typedef struct dl_token_options {
    unsigned int version;                /**< DL_TOKEN_OPTIONS_VERSION */
    const char *user_id;                 /**< user bound into the token; NULL: none */
    const char *user_name;               /**< NULL: none */
    const char *const *trusted_origins;  /**< array of origins; NULL: none */
    size_t trusted_origins_count;        /**< entries in trusted_origins */
} dl_token_options;

/** Initializer for dl_token_options: every field default. */
#define DL_TOKEN_OPTIONS_INIT { DL_TOKEN_OPTIONS_VERSION, NULL, NULL, NULL, 0 }

/** Sets version and defaults. options must not be NULL. */
DL_API void dl_token_options_init(dl_token_options *options);

/**
 * Exchanges a Direct Line secret for a token scoped to one new (not yet
 * started) conversation. 3.0: POST tokens/generate; 1.1: POST
 * tokens/conversation. options may be NULL (ignored by 1.1). Retried on
 * network errors, 5xx and 429. *out: free with dl_token_free.
 */
DL_API int dl_generate_token(dl_client *client, const char *secret,
                             const dl_token_options *options, dl_token **out);

/**
 * Refreshes (3.0 tokens/refresh) or renews (1.1 tokens/{id}/renew) a token
 * that has not expired. conversation_id is required for 1.1 and ignored by
 * 3.0 (may be NULL). *out: free with dl_token_free.
 */
DL_API int dl_refresh_token(dl_client *client, const char *token,
                            const char *conversation_id, dl_token **out);

/** The token string (borrowed). */
DL_API const char *dl_token_value(const dl_token *token);
/** The conversation the token is bound to (borrowed); NULL when the service did not say (1.1). */
DL_API const char *dl_token_conversation_id(const dl_token *token);
/** Lifetime in seconds as returned by the service; 0 when unknown. */
DL_API int dl_token_expires_in(const dl_token *token);
/** Frees a token. Accepts NULL. */
DL_API void dl_token_free(dl_token *token);

/* ----------------------------------------------------------------------- */
/* Copilot Studio agents (token endpoint, region)                           */
/* ----------------------------------------------------------------------- */

/**
 * GETs a token endpoint, such as a Copilot Studio agent's
 * "https://<env>.environment.api.powerplatform.com/powervirtualagents/botsbyschema/<schema>/directline/token?api-version=2022-03-01-preview".
 * Sends no credentials. Parses {"token", "expires_in", "conversationId"}; a
 * conversation started with this token is the token's conversation, and
 * refreshes the token like one from dl_generate_token. The URL must be https
 * (plain http only to loopback, or with allow_insecure_http). Retried like a
 * token call. On an error response, dl_error_last() carries the HTTP status
 * and the service's error code and message. *out: dl_token_free. Since 0.2.
 */
DL_API int dl_fetch_token(dl_client *client, const char *token_endpoint_url, dl_token **out);

/**
 * The Direct Line endpoint (".../v3/directline") of the agent behind a token
 * endpoint: GETs "<same scheme and host>/powervirtualagents/regionalchannelsettings"
 * with the token URL's api-version and appends "v3/directline" to its
 * channelUrlsById.directline. Agents are regional: create the client that
 * starts conversations with this endpoint. Fails (DL_EPROTOCOL) when the
 * answer has no usable URL; callers may then fall back to "global".
 * *endpoint_out: owned, dl_string_free. Since 0.2.
 */
DL_API int dl_fetch_regional_endpoint(dl_client *client, const char *token_endpoint_url,
                                      char **endpoint_out);

/* ----------------------------------------------------------------------- */
/* Conversations                                                            */
/* ----------------------------------------------------------------------- */

/**
 * Starts a conversation with a secret (a new conversation every call) or a
 * token from dl_generate_token (the token's conversation; starting it again
 * is allowed, see dl_conversation_is_new). Contacts the bot. Sent again only
 * if it provably never reached the service, or, for a token this process
 * obtained, when its answer was lost (a second start of a token's conversation
 * is harmless). *out: dl_conversation_free.
 * When the service returns a token, the conversation uses it from then on,
 * except that a secret given here is kept (secrets do not expire).
 */
DL_API int dl_start_conversation(dl_client *client, const char *secret_or_token,
                                 dl_conversation **out);

/** The dl_start_options version this header describes. */
#define DL_START_OPTIONS_VERSION 1

/**
 * How dl_start_conversation_with starts a conversation. Strings are read
 * during the call only. Since 0.2.
 */
typedef struct dl_start_options {
    unsigned int version;        /**< DL_START_OPTIONS_VERSION */
    const char *user_id;         /**< from.id of the start event; NULL: a generated "dl_..." id */
    const char *user_name;       /**< NULL: none */
    const char *locale;          /**< e.g. "fr-FR"; NULL: none */
    const char *local_timezone;  /**< IANA name, e.g. "Europe/Paris"; NULL: none */
    int send_start_event;        /**< nonzero: post the startConversation event right after start */
} dl_start_options;

/** Initializer for dl_start_options: every field default. */
#define DL_START_OPTIONS_INIT { DL_START_OPTIONS_VERSION, NULL, NULL, NULL, NULL, 0 }

/**
 * dl_start_conversation, then (with send_start_event) posts
 * {"type":"event","name":"startConversation","from":{"id","name","role":"user"},
 *  "locale","localTimezone"}: what Web Chat sends so that a Copilot Studio
 * agent greets. The greeting arrives through next_activity like any reply.
 * The user id (given or generated) is dl_conversation_user_id(). options NULL:
 * like dl_start_conversation. If the event cannot be posted, the new
 * conversation is closed and freed and the post's error is returned.
 * *out: dl_conversation_free. Since 0.2.
 */
DL_API int dl_start_conversation_with(dl_client *client, const char *secret_or_token,
                                      const dl_start_options *options, dl_conversation **out);

/**
 * Opens an existing conversation without starting it (for a secret, or a
 * token of that conversation). No request is made; the first receive
 * reconnects (GET conversations/{id}?watermark=). watermark may be NULL.
 */
DL_API int dl_open_conversation(dl_client *client, const char *secret_or_token,
                                const char *conversation_id, const char *watermark,
                                dl_conversation **out);

/** The conversation id (borrowed). */
DL_API const char *dl_conversation_id(const dl_conversation *conversation);
/**
 * The current token (borrowed; stays valid as long as the handle even after a
 * refresh replaces it); NULL if the conversation uses a secret only.
 */
DL_API const char *dl_conversation_token(const dl_conversation *conversation);
/** Seconds the current token was issued for (0 when unknown or a secret). */
DL_API int dl_conversation_expires_in(const dl_conversation *conversation);
/** The current stream URL (borrowed, like dl_conversation_token); NULL if none. */
DL_API const char *dl_conversation_stream_url(const dl_conversation *conversation);
/**
 * The user id given to (or generated by) dl_start_conversation_with (borrowed,
 * lives as long as the handle); NULL for conversations started otherwise.
 * Since 0.2.
 */
DL_API const char *dl_conversation_user_id(const dl_conversation *conversation);
/** 1 if dl_start_conversation created it (201), 0 if it was already started (200) or opened. */
DL_API int dl_conversation_is_new(const dl_conversation *conversation);
/** 1 once the conversation has ended (an endOfConversation was received or sent), else 0. */
DL_API int dl_conversation_is_ended(const dl_conversation *conversation);

/**
 * The last non-null watermark seen by receiving; NULL before any. Returns a
 * per-thread copy, valid until the calling thread calls this function again
 * (copy it to keep it); other threads' calls never change it.
 */
DL_API const char *dl_conversation_watermark(const dl_conversation *conversation);

/**
 * Posts one activity (JSON object text with at least "type" and "from.id").
 * 1.1: the activity is sent as a 1.1 message (text, from.id, attachments,
 * channelData). *id_out (may be NULL) receives the id the service assigned
 * (owned, dl_string_free), or NULL when the service returns none (1.1).
 * Delivered exactly once: the activity carries channelData.clientActivityID
 * (added when it has none; the rest of channelData is kept), and when the
 * service's answer is lost the client looks for that id in the conversation,
 * then reports the service's id, or sends it once more if it is not there.
 * An activity asking for a streamed reply ("deliveryMode": "stream", also set
 * by the stream_replies option) first opens the conversation's stream and
 * waits for it (at most connect_timeout_ms): the reply's chunks are typing
 * activities the service sends only to an open socket.
 */
DL_API int dl_conversation_post_activity(dl_conversation *conversation, const char *activity_json,
                                         char **id_out);

/** Posts {"type":"message","from":{"id":user_id},"text":text}. See post_activity. */
DL_API int dl_conversation_send_message(dl_conversation *conversation, const char *user_id,
                                        const char *text, char **id_out);

/** One file for dl_conversation_upload. data is read during the call only. */
typedef struct dl_upload_file {
    const char *name;          /**< file name, e.g. "a.png" */
    const char *content_type;  /**< e.g. "image/png"; NULL: application/octet-stream */
    const void *data;          /**< the bytes */
    size_t size;               /**< number of bytes at data */
} dl_upload_file;

/**
 * Uploads files as one message from user_id (required). With one file and no
 * activity_json the body is the raw file; otherwise multipart/form-data with
 * an optional activity part (activity_json may be NULL). *id_out as in
 * post_activity (may be NULL). With activity_json it is settled like a post when
 * its answer is lost; without, it is never sent twice once it may have reached the service.
 */
DL_API int dl_conversation_upload(dl_conversation *conversation, const char *user_id,
                                  const dl_upload_file *files, size_t file_count,
                                  const char *activity_json, char **id_out);

/**
 * Ends the conversation: posts {"type":"endOfConversation","from":{"id":user_id}},
 * then stops receiving. *id_out as in post_activity (may be NULL).
 */
DL_API int dl_conversation_end(dl_conversation *conversation, const char *user_id,
                               char **id_out);

/**
 * One poll: GET activities after watermark (NULL: all retained). *set_json_out
 * receives the service's ActivitySet (3.0) or MessageSet (1.1) JSON, owned.
 * Does not change what next_activity delivers.
 */
DL_API int dl_conversation_get_activities(dl_conversation *conversation, const char *watermark,
                                          char **set_json_out);

/**
 * Reconnects (3.0 GET conversations/{id}?watermark=): fetches a fresh stream
 * URL (and token, if the service sends one). watermark NULL: the stream will
 * deliver only activities from now on.
 */
DL_API int dl_conversation_reconnect(dl_conversation *conversation, const char *watermark);

/**
 * Refreshes the conversation's token now. DL_EINVALID if it holds a secret only.
 * The automatic refresh (at half of each lifetime) then counts from the new token.
 */
DL_API int dl_conversation_refresh_token(dl_conversation *conversation);

/** Hands in a token refreshed or renewed elsewhere; used for every later call. */
DL_API int dl_conversation_set_token(dl_conversation *conversation, const char *token);

/**
 * Waits up to timeout_ms (0: do not wait; -1: forever) for the next activity,
 * delivered exactly once and in order, whether it came by the WebSocket
 * stream or by polling. Receiving starts on the first call. Returns
 * DL_ETIMEOUT when nothing arrived in time, DL_EENDED after the bot's
 * endOfConversation was delivered, DL_ECANCELLED when the conversation was
 * closed, or the error that stopped receiving for good (e.g.
 * DL_ETOKEN_EXPIRED, DL_ENOTFOUND). *out: dl_activity_free.
 */
DL_API int dl_conversation_next_activity(dl_conversation *conversation, int timeout_ms,
                                         dl_activity **out);

/**
 * Stops receiving and wakes every thread waiting in next_activity (which then
 * returns DL_ECANCELLED); requests of this conversation in flight, and waits
 * between their retries, end at once with DL_ECANCELLED, and so do later calls
 * that need the network. The handle stays valid until dl_conversation_free.
 * Idempotent.
 */
DL_API void dl_conversation_close(dl_conversation *conversation);

/**
 * Serializes what is needed to resume later, in this or another process:
 * {"conversationId","token","watermark","endpoint","apiVersion",...}. The
 * state holds the token (a secret is never exported): store it like a
 * credential. *state_json_out: owned.
 */
DL_API int dl_conversation_export(const dl_conversation *conversation, char **state_json_out);

/**
 * Opens a conversation from dl_conversation_export output. Receiving resumes
 * after the exported watermark, so exactly what was missed is delivered. The
 * client's endpoint and api version must match the state's (DL_EINVALID if not).
 */
DL_API int dl_resume_conversation(dl_client *client, const char *state_json,
                                  dl_conversation **out);

/**
 * Closes (see dl_conversation_close) and frees a conversation. Accepts NULL.
 * No other thread may use the handle during or after this call.
 */
DL_API void dl_conversation_free(dl_conversation *conversation);

/* ----------------------------------------------------------------------- */
/* Activities                                                               */
/* ----------------------------------------------------------------------- */

/** The whole activity JSON as received (borrowed). 1.1: the message as received. */
DL_API const char *dl_activity_json(const dl_activity *activity);
/** The activity id (borrowed); "" if the service sent none. */
DL_API const char *dl_activity_id(const dl_activity *activity);
/** The activity type (borrowed), e.g. "message", "typing", "endOfConversation". */
DL_API const char *dl_activity_type(const dl_activity *activity);
/** The text (borrowed), or NULL if none. */
DL_API const char *dl_activity_text(const dl_activity *activity);
/** from.id (borrowed); "" if none. */
DL_API const char *dl_activity_from_id(const dl_activity *activity);
/**
 * replyToId (borrowed): the id of the activity this one answers, e.g. the
 * message a bot reply or a streamed chunk belongs to; NULL if none. Since 0.2.
 */
DL_API const char *dl_activity_reply_to_id(const dl_activity *activity);
/** 1 if this is an activity this conversation posted itself (echoed back), else 0. */
DL_API int dl_activity_is_own(const dl_activity *activity);
/**
 * Streamed replies (LLM agents). An activity is part of a stream when it
 * carries a "streaminfo" entity ({"type":"streaminfo","streamId",
 * "streamType","streamSequence"}) or the older channelData form
 * (channelData.streamType/streamSequence/streamId). The first chunk defines
 * the stream and has no streamId: its own activity id is the stream's id.
 * Chunks are "typing" activities with the text so far; the stream ends with a
 * "message" whose stream type is "final". Typing activities come only over
 * the WebSocket stream: a polling conversation sees just the final message.
 */
/** The stream's id (borrowed), or NULL when the activity is not streamed. Since 0.2. */
DL_API const char *dl_activity_stream_id(const dl_activity *activity);
/** "informative", "streaming" or "final" (borrowed), or NULL when not streamed. Since 0.2. */
DL_API const char *dl_activity_stream_type(const dl_activity *activity);
/** The chunk's sequence number (>= 1), or 0 when none (the final message may have none). Since 0.2. */
DL_API int dl_activity_stream_sequence(const dl_activity *activity);
/**
 * The sign-in URL of the first OAuth or sign-in card attachment
 * (application/vnd.microsoft.card.oauth or .signin: its first "signin" or
 * "openUrl" button's value), borrowed; NULL if none. Since 0.2.
 */
DL_API const char *dl_activity_signin_url(const dl_activity *activity);
/** Frees an activity. Accepts NULL. */
DL_API void dl_activity_free(dl_activity *activity);

#ifdef __cplusplus
}
#endif

#endif /* DIRECTLINE_H */
