package dev.directline;

/** Connection failure, dropped connection, DNS or proxy error. */
public class NetworkException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the library throws it for a failed call of this kind. */
  public NetworkException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
