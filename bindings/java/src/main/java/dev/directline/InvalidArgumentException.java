package dev.directline;

/** An argument was null or malformed, an option invalid, or the handle in the wrong state. */
public class InvalidArgumentException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the library throws it for a failed call of this kind. */
  public InvalidArgumentException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
