package dev.directline;

/** HTTP 401: missing or malformed credentials. */
public class UnauthorizedException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public UnauthorizedException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
