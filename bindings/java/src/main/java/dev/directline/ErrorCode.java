package dev.directline;

/** Why a call failed: the C library's dl_result codes, by name. */
public enum ErrorCode {
  /** Invalid argument (null, bad JSON, bad state, bad option). */
  INVALID_ARGUMENT(NativeResultCode.DL_EINVALID),
  /** HTTP 401: missing or malformed credentials. */
  UNAUTHORIZED(NativeResultCode.DL_EUNAUTHORIZED),
  /** HTTP 403: unknown secret or token, or a token of another conversation. */
  FORBIDDEN(NativeResultCode.DL_EFORBIDDEN),
  /** HTTP 403 with the service code "TokenExpired". */
  TOKEN_EXPIRED(NativeResultCode.DL_ETOKEN_EXPIRED),
  /** HTTP 404: unknown conversation or path. */
  NOT_FOUND(NativeResultCode.DL_ENOTFOUND),
  /** HTTP 409. */
  CONFLICT(NativeResultCode.DL_ECONFLICT),
  /** HTTP 429; see {@link DirectLineException#getRetryAfter()}. */
  THROTTLED(NativeResultCode.DL_ETHROTTLED),
  /** HTTP 502/504: the bot failed or timed out. */
  BOT_ERROR(NativeResultCode.DL_EBOT),
  /** Another HTTP 5xx, or an unexpected status. */
  SERVER_ERROR(NativeResultCode.DL_ESERVER),
  /** Connect failure, dropped connection, DNS, proxy. */
  NETWORK(NativeResultCode.DL_ENETWORK),
  /** A request timed out. */
  TIMEOUT(NativeResultCode.DL_ETIMEOUT),
  /** TLS handshake or certificate verification failed. */
  TLS(NativeResultCode.DL_ETLS),
  /** Malformed, oversized or truncated response, or a redirect. */
  PROTOCOL(NativeResultCode.DL_EPROTOCOL),
  /** The conversation has ended (endOfConversation). */
  CONVERSATION_ENDED(NativeResultCode.DL_EENDED),
  /** The conversation was closed while the call waited. */
  CANCELLED(NativeResultCode.DL_ECANCELLED),
  /** Out of memory. */
  OUT_OF_MEMORY(NativeResultCode.DL_ENOMEM),
  /** HTTP 400/413: the service rejected the request. */
  BAD_REQUEST(NativeResultCode.DL_EBAD_REQUEST),
  /** Plain http to a non-loopback host without opting in. */
  INSECURE(NativeResultCode.DL_EINSECURE),
  /** A bug in the library; please report it. */
  INTERNAL(NativeResultCode.DL_EINTERNAL),
  /** A code newer than this binding. */
  UNKNOWN(Integer.MIN_VALUE);

  private final int nativeCode;

  ErrorCode(int nativeCode) {
    this.nativeCode = nativeCode;
  }

  /** The C library's dl_result value (negative). */
  public int nativeCode() {
    return nativeCode;
  }

  static ErrorCode fromNative(int code) {
    for (ErrorCode value : values()) {
      if (value.nativeCode == code) {
        return value;
      }
    }
    return UNKNOWN;
  }
}
