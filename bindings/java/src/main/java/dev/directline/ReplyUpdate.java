package dev.directline;

/**
 * One step of a streamed reply, from {@link Conversation#streamReply}: a chunk
 * (the whole text so far) or, last, the final message.
 */
public final class ReplyUpdate {
  private final String text;
  private final Activity activity;
  private final boolean isFinal;
  private final boolean informative;

  ReplyUpdate(String text, Activity activity, boolean isFinal, boolean informative) {
    this.text = text;
    this.activity = activity;
    this.isFinal = isFinal;
    this.informative = informative;
  }

  /**
   * The reply so far. Each streaming chunk carries the whole text up to that
   * point (not a delta): show it in place of the previous one. For an
   * informative update, the status text ("Searching..."); for the final
   * update, the whole reply ("" when the final message has no text).
   */
  public String getText() {
    return text;
  }

  /** The chunk (a "typing" activity) or the final message, as received. */
  public Activity getActivity() {
    return activity;
  }

  /** True for the last update: {@link #getActivity()} is then the final message. */
  public boolean isFinal() {
    return isFinal;
  }

  /** True for a status update ("Searching...") that is not part of the answer. */
  public boolean isInformative() {
    return informative;
  }

  @Override
  public String toString() {
    return "ReplyUpdate{final=" + isFinal + ", informative=" + informative + ", text=" + text + "}";
  }
}
