package dev.directline;

import java.util.HashMap;
import java.util.Map;

/**
 * Which received activities make up the reply to one sent activity. Ours:
 * replyToId is the sent id, or the stream id is one already seen in this
 * turn. A chunk is a streamed activity; the end is the stream's final activity
 * or a message that is not streamed. A chunk with a lower sequence than one
 * already seen arrived out of order and is dropped, as Web Chat does.
 */
final class ReplyTurn {
  /** take()'s answer for a superseded chunk (part of the reply, nothing to show). */
  static final ReplyUpdate STALE = new ReplyUpdate("", null, false, false);

  private final String sentId;
  private final Map<String, Integer> sequences = new HashMap<>();
  private boolean done;

  ReplyTurn(String sentId) {
    if (sentId == null || sentId.isEmpty()) {
      throw new IllegalArgumentException("sentId must be the id of a sent activity");
    }
    this.sentId = sentId;
  }

  /** True once the final update was taken. */
  boolean isDone() {
    return done;
  }

  /** An update, STALE, or null for an activity that is not part of the reply. */
  ReplyUpdate take(Activity activity) {
    String streamId = activity.getStreamId();
    if (!sentId.equals(activity.getReplyToId()) && (streamId == null || !sequences.containsKey(streamId))) {
      return null;
    }
    String text = activity.getText() == null ? "" : activity.getText();
    if ("final".equals(activity.getStreamType()) || (streamId == null && "message".equals(activity.getType()))) {
      done = true;
      return new ReplyUpdate(text, activity, true, false);
    }
    if (streamId == null) {
      return null; // e.g. a plain typing indicator: left for nextActivity
    }
    int seen = sequences.getOrDefault(streamId, 0);
    int sequence = activity.getStreamSequence();
    if (sequence != 0 && sequence <= seen) {
      return STALE;
    }
    sequences.put(streamId, Math.max(sequence, seen));
    return new ReplyUpdate(text, activity, false, "informative".equals(activity.getStreamType()));
  }
}
