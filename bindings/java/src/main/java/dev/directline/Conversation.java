package dev.directline;

import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One Direct Line conversation. Safe to use from several threads; close() (or
 * try-with-resources) stops receiving, wakes a thread blocked in
 * nextActivity (which then throws {@link CancelledException}) and frees the
 * native handle once no call is running any more.
 */
public final class Conversation implements AutoCloseable {
  private final NativeRef<NativeConversation> ref;

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

  /** Posts a text message from userId; returns the activity id the service assigned. */
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
   * delivered exactly once and in order. Returns null when nothing arrived in
   * time. Throws {@link ConversationEndedException} after the bot's
   * endOfConversation was delivered, {@link CancelledException} when the
   * conversation is closed meanwhile, or the error that stopped receiving.
   */
  public Activity nextActivity(int timeoutMs) {
    NativeActivity activity = ref.call(c -> c.wait_activity(timeoutMs));
    return activity == null ? null : Activity.take(activity);
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
