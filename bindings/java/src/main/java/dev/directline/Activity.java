package dev.directline;

/** One received activity. Immutable; {@link #getJson()} has every field as received. */
public final class Activity {
  private final String id;
  private final String type;
  private final String text;
  private final String fromId;
  private final String json;
  private final boolean own;

  Activity(String id, String type, String text, String fromId, String json, boolean own) {
    this.id = id;
    this.type = type;
    this.text = text;
    this.fromId = fromId;
    this.json = json;
    this.own = own;
  }

  /** Copies a native activity and frees it. */
  static Activity take(NativeActivity activity) {
    try {
      return new Activity(activity.activity_id(), activity.activity_type(), activity.activity_text(),
          activity.sender_id(), activity.full_json(), activity.posted_by_self());
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

  @Override
  public String toString() {
    return "Activity{type=" + type + ", id=" + id + ", from=" + fromId + "}";
  }
}
