package dev.directline;

/**
 * One received activity. Immutable; {@link #getJson()} has every field as
 * received, the getters what the native library works out for it (the same
 * answers in every language).
 */
public final class Activity {
  private final String id;
  private final String type;
  private final String text;
  private final String fromId;
  private final String json;
  private final boolean own;
  private final String replyToId;
  private final String streamId;
  private final String streamType;
  private final int streamSequence;
  private final String signinUrl;

  private Activity(NativeActivity a) {
    id = a.activity_id();
    type = a.activity_type();
    text = a.activity_text();
    fromId = a.sender_id();
    json = a.full_json();
    own = a.posted_by_self();
    replyToId = a.replied_to();
    streamId = a.stream_identifier();
    streamType = a.stream_kind();
    streamSequence = a.stream_position();
    signinUrl = a.signin_link();
  }

  /** Copies a native activity and frees it. */
  static Activity take(NativeActivity activity) {
    try {
      return new Activity(activity);
    } finally {
      activity.delete();
    }
  }

  /** The activity id; "" if the service sent none. */
  public String getId() {
    return id;
  }

  /** e.g. "message", "typing", "endOfConversation". */
  public String getType() {
    return type;
  }

  /** The text, or null if none. */
  public String getText() {
    return text;
  }

  /** from.id; "" if none. */
  public String getFromId() {
    return fromId;
  }

  /** The whole activity JSON as received (1.1: the message). */
  public String getJson() {
    return json;
  }

  /** True if this conversation posted the activity itself (its echo). */
  public boolean isOwn() {
    return own;
  }

  /** replyToId: the id of the activity this one answers; null if none. */
  public String getReplyToId() {
    return replyToId;
  }

  /**
   * The streamed reply this chunk or final message belongs to; null when not
   * streamed. The first chunk names the stream with its own id.
   */
  public String getStreamId() {
    return streamId;
  }

  /** "informative", "streaming" or "final"; null when not streamed. */
  public String getStreamType() {
    return streamType;
  }

  /** The chunk's sequence number (1, 2, ...); 0 when none (the final message has none). */
  public int getStreamSequence() {
    return streamSequence;
  }

  /** The sign-in URL of the first OAuth or sign-in card attached; null if none. */
  public String getSigninUrl() {
    return signinUrl;
  }

  @Override
  public String toString() {
    return "Activity{type=" + type + ", id=" + id + ", from=" + fromId + "}";
  }
}
