package dev.directline;

/** HTTP 502/504: the bot failed or timed out. */
public class BotException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the library throws it for a failed call of this kind. */
  public BotException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
