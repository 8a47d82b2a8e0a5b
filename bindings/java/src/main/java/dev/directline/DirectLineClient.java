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
        o.receiveMode.nativeValue, o.pollingIntervalMillis, o.disableAutoRefresh, o.streamReplies,
        o.maxResponseBytes, o.reconnectBaseDelayMillis, o.reconnectMaxDelayMillis, o.receiveQueueLimit);
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

  /**
   * Starts a conversation as options say: with sendStartEvent, posts the
   * startConversation event Web Chat sends so that a Copilot Studio agent
   * greets (the greeting arrives through nextActivity like any reply). If the
   * event cannot be posted, the conversation is closed and the error thrown.
   */
  public Conversation startConversation(String secretOrToken, StartOptions options) {
    StartOptions o = options == null ? StartOptions.builder().build() : options;
    return new Conversation(ref.call(c -> c.begin_conversation_with(secretOrToken, o.userId, o.userName,
        o.locale, o.localTimezone, o.sendStartEvent)));
  }

  /**
   * GETs a token endpoint without credentials, such as a Copilot Studio
   * agent's "https://.../powervirtualagents/botsbyschema/SCHEMA/directline/token?api-version=...".
   * The token is bound to a new conversation: start it with startConversation.
   * An error answer throws the exception for its HTTP status, with the
   * service's error code when it sent one.
   */
  public Token fetchToken(String tokenEndpointUrl) {
    return Token.take(ref.call(c -> c.fetch_agent_token(tokenEndpointUrl)));
  }

  /**
   * The Direct Line endpoint (".../v3/directline") of the agent behind a token
   * endpoint, from its regional channel settings. Agents are regional: start
   * their conversations on a client for this endpoint. Throws
   * {@link ProtocolViolationException} when the answer has no usable URL;
   * callers may then use "global".
   */
  public String fetchRegionalEndpoint(String tokenEndpointUrl) {
    return ref.call(c -> c.fetch_region_endpoint(tokenEndpointUrl));
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

  /** {@link #startConversation(String, StartOptions)} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Conversation> startConversationAsync(String secretOrToken, StartOptions options) {
    return Async.supply(() -> startConversation(secretOrToken, options));
  }

  /** {@link #fetchToken} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<Token> fetchTokenAsync(String tokenEndpointUrl) {
    return Async.supply(() -> fetchToken(tokenEndpointUrl));
  }

  /** {@link #fetchRegionalEndpoint} on a daemon thread of the library's own; the future fails with its exception. */
  public CompletableFuture<String> fetchRegionalEndpointAsync(String tokenEndpointUrl) {
    return Async.supply(() -> fetchRegionalEndpoint(tokenEndpointUrl));
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
