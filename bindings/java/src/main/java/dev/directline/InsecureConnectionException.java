package dev.directline;

/** Plain http to a non-loopback host without allowInsecureHttp. */
public class InsecureConnectionException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public InsecureConnectionException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
