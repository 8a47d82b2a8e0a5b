package dev.directline;

/** TLS handshake or certificate verification failed. */
public class TlsException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public TlsException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
