package dev.directline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * One Direct Line conversation. Safe to use from several threads; close() (or
 * try-with-resources) stops receiving, wakes a thread blocked in
 * nextActivity (which then throws {@link CancelledException}) and frees the
 * native handle once no call is running any more. Receive (nextActivity,
 * streamReply) from one thread at a time.
 */
public final class Conversation implements AutoCloseable {
  /** Most activities streamReply sets aside for nextActivity (like the native receive queue). */
  static final int SET_ASIDE_LIMIT = 1000;

  private final NativeRef<NativeConversation> ref;
  /** Received while streamReply waited but not part of the reply; nextActivity's first. */
  private final ArrayDeque<Activity> setAside = new ArrayDeque<>();

  Conversation(NativeConversation conversation) {
    ref = new NativeRef<>("Conversation", conversation, NativeConversation::delete,
        NativeConversation::stop_receiving);
  }

  /** The conversation id. */
  public String getId() {
    return ref.call(NativeConversation::conversation_id);
  }

  /** The current token (it changes when refreshed); null if the conversation uses a secret only. */
  public String getToken() {
    return ref.call(NativeConversation::current_token);
  }

  /** The current stream URL; null if none (polling). */
  public String getStreamUrl() {
    return ref.call(NativeConversation::current_stream_url);
  }

  /** Seconds the current token was issued for; 0 when unknown or a secret. */
  public int getExpiresIn() {
    return ref.call(NativeConversation::token_lifetime_seconds);
  }

  /** True if startConversation created it (201), false if already started (200) or opened. */
  public boolean isNew() {
    return ref.call(NativeConversation::created_new);
  }

  /** True once an endOfConversation was received or sent. */
  public boolean isEnded() {
    return ref.call(NativeConversation::has_ended);
  }

  /** The last watermark seen by receiving; null before any. */
  public String getWatermark() {
    return ref.call(NativeConversation::last_watermark);
  }

  /**
   * The user id of a conversation started with {@link StartOptions} (given or
   * generated, "dl_..."); null for conversations started otherwise.
   */
  public String getUserId() {
    return ref.call(NativeConversation::started_user_id);
  }

  /**
   * Posts a text message from userId; returns the activity id the service
   * assigned. With the client option streamReplies it asks for a streamed reply.
   */
  public String sendMessage(String userId, String text) {
    return ref.call(c -> c.send_text(userId, text));
  }

  /**
   * Posts one activity (a JSON object with at least "type" and "from.id").
   * Returns the id the service assigned (null for 1.1). Never retried once it
   * may have reached the service.
   */
  public String postActivity(String activityJson) {
    return ref.call(c -> c.post_json(activityJson));
  }

  /** Uploads one file as a message from userId. */
  public String upload(String userId, UploadFile file) {
    return upload(userId, Collections.singletonList(file), null);
  }

  /**
   * Uploads files as one message from userId, with an optional activity
   * (JSON, e.g. carrying text) that the files are attached to.
   */
  public String upload(String userId, List<UploadFile> files, String activityJson) {
    NativeUploadBatch batch = new NativeUploadBatch();
    try {
      for (UploadFile file : files) {
        batch.add_file(file.getName(), file.getContentType(), file.data());
      }
      return ref.call(c -> c.upload_batch(userId, batch, activityJson));
    } finally {
      batch.delete();
    }
  }

  /** Ends the conversation: posts endOfConversation from userId, then stops receiving. */
  public String end(String userId) {
    return ref.call(c -> c.finish(userId));
  }

  /**
   * One poll of GET activities after watermark (null: all retained). Returns
   * the service's ActivitySet JSON (1.1: MessageSet). Does not change what
   * nextActivity delivers.
   */
  public String getActivities(String watermark) {
    return ref.call(c -> c.fetch_activity_set(watermark));
  }

  /**
   * Fetches a fresh stream URL (and token, if sent). watermark null: the
   * stream delivers only activities from now on.
   */
  public void reconnect(String watermark) {
    ref.run(c -> c.reconnect_from(watermark));
  }

  /** Refreshes the conversation's token now (InvalidArgumentException if it holds a secret only). */
  public void refreshToken() {
    ref.run(NativeConversation::refresh_now);
  }

  /** Hands in a token refreshed elsewhere; used for every later call. */
  public void setToken(String token) {
    ref.run(c -> c.replace_token(token));
  }

  /**
   * Waits up to timeoutMs (0: no wait; -1: forever) for the next activity,
   * delivered exactly once and in order (those streamReply set aside first).
   * Returns null when nothing arrived in time. Throws
   * {@link ConversationEndedException} after the bot's endOfConversation was
   * delivered, {@link CancelledException} when the conversation is closed
   * meanwhile, or the error that stopped receiving.
   */
  public Activity nextActivity(int timeoutMs) {
    synchronized (setAside) {
      if (!setAside.isEmpty()) {
        return setAside.poll();
      }
    }
    return receive(timeoutMs);
  }

  /** nextActivity without the set-aside activities. */
  Activity receive(int timeoutMs) {
    NativeActivity activity = ref.call(c -> c.wait_activity(timeoutMs));
    return activity == null ? null : Activity.take(activity);
  }

  /**
   * The reply to the activity sentId as it grows, ending with the final
   * message: one {@link ReplyUpdate} per chunk of a streamed reply (asked for
   * with the client option streamReplies), whose text is the whole reply so
   * far, then one whose {@link ReplyUpdate#isFinal()} is true. A reply that is
   * not streamed gives just the final update, and so does a polling
   * conversation: chunks are "typing" activities, sent only over the live
   * WebSocket stream, which a post asking for a streamed reply opens before it
   * goes out (so none is missed).
   *
   * <pre>{@code
   * String sent = conversation.sendMessage(userId, "What is Direct Line?");
   * conversation.streamReply(sent, 30000).forEach(u -> System.out.println(u.getText()));
   * }</pre>
   *
   * <p>The reply's activities are recognised by replyToId (or a stream already
   * seen); anything else that arrives meanwhile is set aside, not lost:
   * {@link #nextActivity} returns it afterwards, in order (at most 1000; past
   * that {@link ProtocolViolationException}). Chunks that arrive after a newer
   * one of the same stream are dropped. The stream is lazy: each element is
   * read when asked for, and stopping early leaves the rest to nextActivity.
   *
   * @param sentId the id sendMessage or postActivity returned
   * @param timeoutMs how long to wait for each update (-1: forever); past it
   *     the stream throws {@link RequestTimeoutException}
   */
  public Stream<ReplyUpdate> streamReply(String sentId, int timeoutMs) {
    Iterator<ReplyUpdate> updates = new ReplyIterator(new ReplyTurn(sentId), checkTimeout(timeoutMs));
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(updates,
        Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  /**
   * {@link #streamReply} on a daemon thread of the library's own: onUpdate
   * (may be null) gets each update in order on that thread, and the future
   * completes with the final message, or fails with the stream's exception.
   */
  public CompletableFuture<Activity> streamReplyAsync(String sentId, int timeoutMs,
                                                      Consumer<ReplyUpdate> onUpdate) {
    ReplyTurn turn = new ReplyTurn(sentId);
    int timeout = checkTimeout(timeoutMs);
    return Async.supply(() -> {
      Iterator<ReplyUpdate> updates = new ReplyIterator(turn, timeout);
      ReplyUpdate update = null;
      while (updates.hasNext()) {
        update = updates.next();
        if (onUpdate != null) {
          onUpdate.accept(update);
        }
      }
      return update.getActivity();
    });
  }

  private static int checkTimeout(int timeoutMs) {
    if (timeoutMs <= 0 && timeoutMs != -1) {
      throw new IllegalArgumentException("timeoutMs must be > 0, or -1 to wait forever");
    }
    return timeoutMs;
  }

  /** Takes the reply's activities out of the set-aside ones (a previous turn's leftovers). */
  private List<ReplyUpdate> claimSetAside(ReplyTurn turn) {
    List<ReplyUpdate> updates = new ArrayList<>();
    synchronized (setAside) {
      Iterator<Activity> it = setAside.iterator();
      while (it.hasNext() && !turn.isDone()) {
        ReplyUpdate taken = turn.take(it.next());
        if (taken != null) {
          it.remove();
          if (taken != ReplyTurn.STALE) {
            updates.add(taken);
          }
        }
      }
    }
    return updates;
  }

  private void keepSetAside(Activity activity) {
    synchronized (setAside) {
      setAside.add(activity); // kept even past the limit: nothing is dropped
      if (setAside.size() > SET_ASIDE_LIMIT) {
        throw new ProtocolViolationException(ErrorCode.PROTOCOL, 0, "", "more than " + SET_ASIDE_LIMIT
            + " activities that are not part of the reply arrived while waiting for it;"
            + " read them with nextActivity", -1);
      }
    }
  }

  /** The updates of one reply: first those already set aside, then as they arrive. */
  private final class ReplyIterator implements Iterator<ReplyUpdate> {
    private final ReplyTurn turn;
    private final int timeoutMs;
    private final ArrayDeque<ReplyUpdate> ready;

    ReplyIterator(ReplyTurn turn, int timeoutMs) {
      this.turn = turn;
      this.timeoutMs = timeoutMs;
      this.ready = new ArrayDeque<>(claimSetAside(turn));
    }

    @Override
    public boolean hasNext() {
      if (ready.isEmpty() && !turn.isDone()) {
        ready.add(read());
      }
      return !ready.isEmpty();
    }

    @Override
    public ReplyUpdate next() {
      if (!hasNext()) {
        throw new NoSuchElementException("the reply has ended");
      }
      return ready.poll();
    }

    private ReplyUpdate read() {
      long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
      while (true) {
        int wait = -1;
        if (timeoutMs != -1) {
          long left = (deadline - System.nanoTime()) / 1_000_000L;
          if (left <= 0) {
            throw new RequestTimeoutException(ErrorCode.TIMEOUT, 0, "",
                "no update of the reply within " + timeoutMs + " ms", -1);
          }
          wait = (int) left;
        }
        Activity activity = receive(wait);
        if (activity == null) {
          continue;
        }
        ReplyUpdate taken = turn.take(activity);
        if (taken == null) {
          keepSetAside(activity);
        } else if (taken != ReplyTurn.STALE) {
          return taken;
        }
      }
    }
  }

  /**
   * What is needed to resume later, in this or another process (JSON). It
   * holds the token (never a secret): store it like a credential.
   */
  public String exportState() {
    return ref.call(NativeConversation::export_state);
  }

  /** {@link #sendMessage} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<String> sendMessageAsync(String userId, String text) {
    return Async.supply(() -> sendMessage(userId, text));
  }

  /** {@link #postActivity} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<String> postActivityAsync(String activityJson) {
    return Async.supply(() -> postActivity(activityJson));
  }

  /** {@link #nextActivity} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Activity> nextActivityAsync(int timeoutMs) {
    return Async.supply(() -> nextActivity(timeoutMs));
  }

  /** {@link #end} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<String> endAsync(String userId) {
    return Async.supply(() -> end(userId));
  }

  /** {@link #reconnect} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Void> reconnectAsync(String watermark) {
    return Async.run(() -> reconnect(watermark));
  }

  /** {@link #refreshToken} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Void> refreshTokenAsync() {
    return Async.run(this::refreshToken);
  }

  /** True after close(). */
  public boolean isClosed() {
    return ref.isClosed();
  }

  /** Stops receiving and frees the native conversation. Idempotent. */
  @Override
  public void close() {
    ref.close();
  }

  @Override
  public String toString() {
    try {
      return "Conversation{id=" + getId() + "}";
    } catch (IllegalStateException closed) {
      return "Conversation{closed}";
    }
  }
}
