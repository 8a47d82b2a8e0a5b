package dev.directline;

/** HTTP 409. */
public class ConflictException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public ConflictException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
