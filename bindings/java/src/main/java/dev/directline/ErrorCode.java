package dev.directline;

/** Why a call failed: the C library's dl_result codes, by name. */
public enum ErrorCode {
  INVALID_ARGUMENT(NativeResultCode.DL_EINVALID),
  UNAUTHORIZED(NativeResultCode.DL_EUNAUTHORIZED),
  FORBIDDEN(NativeResultCode.DL_EFORBIDDEN),
  TOKEN_EXPIRED(NativeResultCode.DL_ETOKEN_EXPIRED),
  NOT_FOUND(NativeResultCode.DL_ENOTFOUND),
  CONFLICT(NativeResultCode.DL_ECONFLICT),
  THROTTLED(NativeResultCode.DL_ETHROTTLED),
  BOT_ERROR(NativeResultCode.DL_EBOT),
  SERVER_ERROR(NativeResultCode.DL_ESERVER),
  NETWORK(NativeResultCode.DL_ENETWORK),
  TIMEOUT(NativeResultCode.DL_ETIMEOUT),
  TLS(NativeResultCode.DL_ETLS),
  PROTOCOL(NativeResultCode.DL_EPROTOCOL),
  CONVERSATION_ENDED(NativeResultCode.DL_EENDED),
  CANCELLED(NativeResultCode.DL_ECANCELLED),
  OUT_OF_MEMORY(NativeResultCode.DL_ENOMEM),
  BAD_REQUEST(NativeResultCode.DL_EBAD_REQUEST),
  INSECURE(NativeResultCode.DL_EINSECURE),
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
