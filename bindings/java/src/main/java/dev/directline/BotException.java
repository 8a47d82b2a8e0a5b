package dev.directline;

/** HTTP 502/504: the bot failed or timed out. */
public class BotException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public BotException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
