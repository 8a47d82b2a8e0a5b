package dev.directline;

/** HTTP 429: see getRetryAfter() for how long to wait. */
public class ThrottledException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public ThrottledException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
