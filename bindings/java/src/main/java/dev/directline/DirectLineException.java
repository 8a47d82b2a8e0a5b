package dev.directline;

/**
 * A failed Direct Line call. The subclass tells the kind of failure (e.g.
 * {@link TokenExpiredException}, {@link ThrottledException}); the fields carry
 * the details the C library reported. Messages never contain secrets or tokens.
 */
public class DirectLineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The kind of failure. */
  private final ErrorCode code;
  /** HTTP status of the failing response; 0 when none. */
  private final int httpStatus;
  /** The service's error code; "" when none. */
  private final String serviceCode;
  /** Retry-After in seconds; -1 when none. */
  private final int retryAfter;

  /** Creates the exception; the library throws a subclass for each kind of failure. */
  public DirectLineException(ErrorCode code, int httpStatus, String serviceCode, String message,
                             int retryAfterSeconds) {
    super(message);
    this.code = code;
    this.httpStatus = httpStatus;
    this.serviceCode = serviceCode == null ? "" : serviceCode;
    this.retryAfter = retryAfterSeconds;
  }

  /** The kind of failure. */
  public ErrorCode getCode() {
    return code;
  }

  /** HTTP status of the failing response; 0 when there was none (e.g. a network error). */
  public int getHttpStatus() {
    return httpStatus;
  }

  /** The service's error code (e.g. "TokenExpired"); "" when none. */
  public String getServiceCode() {
    return serviceCode;
  }

  /** The C name of the code, e.g. "DL_ETOKEN_EXPIRED" ("DL_UNKNOWN" for a code newer than this binding). */
  public String getResultName() {
    return DirectLineNative.dl_result_name(code.nativeCode());
  }

  /** Seconds the service asked to wait (Retry-After), or -1 when it sent none. */
  public int getRetryAfter() {
    return retryAfter;
  }

  /** Called by the native layer (JNI) to build the exception for a failed call. */
  static DirectLineException fromNative(int nativeCode, int httpStatus, byte[] serviceCodeUtf8,
                                        byte[] messageUtf8, int retryAfterSeconds) {
    ErrorCode code = ErrorCode.fromNative(nativeCode);
    String serviceCode = Utf8.decode(serviceCodeUtf8);
    String message = Utf8.decode(messageUtf8);
    String text = message == null || message.isEmpty() ? code.name().toLowerCase() : message;
    switch (code) {
      case INVALID_ARGUMENT: return new InvalidArgumentException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case UNAUTHORIZED: return new UnauthorizedException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case FORBIDDEN: return new ForbiddenException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case TOKEN_EXPIRED: return new TokenExpiredException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case NOT_FOUND: return new NotFoundException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case CONFLICT: return new ConflictException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case THROTTLED: return new ThrottledException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case BOT_ERROR: return new BotException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case SERVER_ERROR: return new ServerException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case NETWORK: return new NetworkException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case TIMEOUT: return new RequestTimeoutException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case TLS: return new TlsException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case PROTOCOL: return new ProtocolViolationException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case CONVERSATION_ENDED: return new ConversationEndedException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case CANCELLED: return new CancelledException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case BAD_REQUEST: return new BadRequestException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      case INSECURE: return new InsecureConnectionException(code, httpStatus, serviceCode, text, retryAfterSeconds);
      default: return new DirectLineException(code, httpStatus, serviceCode, text, retryAfterSeconds);
    }
  }
}
