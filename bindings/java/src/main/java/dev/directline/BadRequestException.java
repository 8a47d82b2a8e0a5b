package dev.directline;

/** HTTP 400/413: the service rejected the request. */
public class BadRequestException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the library throws it for a failed call of this kind. */
  public BadRequestException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
