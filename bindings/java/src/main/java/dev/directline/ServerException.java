package dev.directline;

/** Another HTTP 5xx or an unexpected status. */
public class ServerException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public ServerException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
