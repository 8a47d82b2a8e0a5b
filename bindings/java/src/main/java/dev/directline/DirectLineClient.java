package dev.directline;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A Direct Line client: generates and refreshes tokens, starts, opens and
 * resumes conversations. Thread-safe; share one per endpoint. Close it when
 * done (conversations it created stay usable).
 *
 * <pre>{@code
 * try (DirectLineClient client = new DirectLineClient("http://127.0.0.1:PORT/v3/directline");
 *      Conversation conversation = client.startConversation(secret)) {
 *   conversation.sendMessage("user1", "hello");
 *   Activity reply = conversation.nextActivity(5000);
 * }
 * }</pre>
 */
public final class DirectLineClient implements AutoCloseable {
  private final NativeRef<NativeClient> ref;

  /** A client for the given endpoint (Direct Line 3.0); null: the public service. */
  public DirectLineClient(String endpoint) {
    this(DirectLineClientOptions.builder().endpoint(endpoint).build());
  }

  /** A client with these options; null: the defaults (the public service, Direct Line 3.0). */
  public DirectLineClient(DirectLineClientOptions options) {
    DirectLineClientOptions o = options == null ? DirectLineClientOptions.builder().build() : options;
    NativeClient client = new NativeClient(o.endpoint, o.apiVersion.nativeValue, o.connectTimeoutMillis,
        o.requestTimeoutMillis, o.retryMaxAttempts, o.retryDeadlineMillis, o.retryBaseDelayMillis,
        o.userAgent, o.proxy, o.caFile, o.insecureSkipTlsVerify, o.allowInsecureHttp,
        o.receiveMode.nativeValue, o.pollingIntervalMillis, o.disableAutoRefresh);
    ref = new NativeRef<>("DirectLineClient", client, NativeClient::delete, null);
  }

  /** The effective endpoint (the default one when none was given). */
  public String getEndpoint() {
    return ref.call(NativeClient::effective_endpoint);
  }

  /** Exchanges a secret for a token scoped to one new conversation. */
  public Token generateToken(String secret) {
    return generateToken(secret, null, null, null);
  }

  /**
   * Exchanges a secret for a token bound to a user.
   *
   * @param userId user bound into the token, or null
   * @param userName or null
   * @param trustedOrigins or null
   */
  public Token generateToken(String secret, String userId, String userName, List<String> trustedOrigins) {
    String origins = null;
    if (trustedOrigins != null && !trustedOrigins.isEmpty()) {
      for (String origin : trustedOrigins) {
        if (origin == null || origin.indexOf('\n') >= 0) {
          throw new IllegalArgumentException("trusted origins must be non-null single-line strings");
        }
      }
      origins = String.join("\n", trustedOrigins);
    }
    String joined = origins;
    return Token.take(ref.call(c -> c.issue_token(secret, userId, userName, joined)));
  }

  /**
   * Refreshes (3.0) or renews (1.1) a token that has not expired.
   *
   * @param conversationId required for 1.1, ignored by 3.0 (may be null)
   */
  public Token refreshToken(String token, String conversationId) {
    return Token.take(ref.call(c -> c.renew_token(token, conversationId)));
  }

  /** Refreshes a 3.0 token. */
  public Token refreshToken(String token) {
    return refreshToken(token, null);
  }

  /**
   * Starts a conversation with a secret (a new one each call) or a token from
   * generateToken (its conversation; starting again is allowed, see isNew()).
   */
  public Conversation startConversation(String secretOrToken) {
    return new Conversation(ref.call(c -> c.begin_conversation(secretOrToken)));
  }

  /** Opens an existing conversation without starting it; watermark may be null. */
  public Conversation openConversation(String secretOrToken, String conversationId, String watermark) {
    return new Conversation(ref.call(c -> c.attach_conversation(secretOrToken, conversationId, watermark)));
  }

  /** Opens a conversation from {@link Conversation#exportState()} output. */
  public Conversation resumeConversation(String stateJson) {
    return new Conversation(ref.call(c -> c.restore_conversation(stateJson)));
  }

  /** {@link #generateToken} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Token> generateTokenAsync(String secret) {
    return Async.supply(() -> generateToken(secret));
  }

  /** {@link #generateToken} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Token> generateTokenAsync(String secret, String userId, String userName,
                                                    List<String> trustedOrigins) {
    return Async.supply(() -> generateToken(secret, userId, userName, trustedOrigins));
  }

  /** {@link #refreshToken} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Token> refreshTokenAsync(String token, String conversationId) {
    return Async.supply(() -> refreshToken(token, conversationId));
  }

  /** {@link #startConversation} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Conversation> startConversationAsync(String secretOrToken) {
    return Async.supply(() -> startConversation(secretOrToken));
  }

  /** {@link #resumeConversation} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Conversation> resumeConversationAsync(String stateJson) {
    return Async.supply(() -> resumeConversation(stateJson));
  }

  /** The native library's version, "MAJOR.MINOR.PATCH". */
  public static String libraryVersion() {
    return DirectLineNative.dl_version_string();
  }

  /** Frees the native client. Idempotent. */
  @Override
  public void close() {
    ref.close();
  }
}
