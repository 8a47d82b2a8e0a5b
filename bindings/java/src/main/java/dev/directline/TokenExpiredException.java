package dev.directline;

/** HTTP 403 with service code TokenExpired: refresh or generate a new token. */
public class TokenExpiredException extends ForbiddenException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the library throws it for a failed call of this kind. */
  public TokenExpiredException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
