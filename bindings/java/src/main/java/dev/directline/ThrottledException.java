package dev.directline;

/** HTTP 429: see getRetryAfter() for how long to wait. */
public class ThrottledException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the library throws it for a failed call of this kind. */
  public ThrottledException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
