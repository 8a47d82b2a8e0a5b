package dev.directline;

/** An argument was null or malformed, an option invalid, or the handle in the wrong state. */
public class InvalidArgumentException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public InvalidArgumentException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
