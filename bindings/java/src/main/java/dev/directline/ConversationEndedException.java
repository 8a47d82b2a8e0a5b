package dev.directline;

/** The conversation has ended (endOfConversation). */
public class ConversationEndedException extends DirectLineException {
  private static final long serialVersionUID = 1L;

  public ConversationEndedException(ErrorCode code, int httpStatus, String serviceCode, String message, int retryAfterSeconds) {
    super(code, httpStatus, serviceCode, message, retryAfterSeconds);
  }
}
