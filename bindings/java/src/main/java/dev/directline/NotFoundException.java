package dev.directline;

/** HTTP 404: unknown conversation or path. */
public class NotFoundException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
