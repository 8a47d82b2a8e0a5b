package dev.directline;

/**
 * Options of a {@link DirectLineClient}. Build with {@link #builder()}; zero
 * (or null) means the library's default for every field.
 */
public final class DirectLineClientOptions {
  final String endpoint;
  final ApiVersion apiVersion;
  final int connectTimeoutMillis;
  final int requestTimeoutMillis;
  final int retryMaxAttempts;
  final int retryDeadlineMillis;
  final int retryBaseDelayMillis;
  final String userAgent;
  final String proxy;
  final String caFile;
  final boolean insecureSkipTlsVerify;
  final boolean allowInsecureHttp;
  final ReceiveMode receiveMode;
  final int pollingIntervalMillis;
  final boolean disableAutoRefresh;
  final boolean streamReplies;
  final int maxResponseBytes;
  final int reconnectBaseDelayMillis;
  final int reconnectMaxDelayMillis;
  final int receiveQueueLimit;

  private DirectLineClientOptions(Builder b) {
    endpoint = b.endpoint;
    apiVersion = b.apiVersion;
    connectTimeoutMillis = b.connectTimeoutMillis;
    requestTimeoutMillis = b.requestTimeoutMillis;
    retryMaxAttempts = b.retryMaxAttempts;
    retryDeadlineMillis = b.retryDeadlineMillis;
    retryBaseDelayMillis = b.retryBaseDelayMillis;
    userAgent = b.userAgent;
    proxy = b.proxy;
    caFile = b.caFile;
    insecureSkipTlsVerify = b.insecureSkipTlsVerify;
    allowInsecureHttp = b.allowInsecureHttp;
    receiveMode = b.receiveMode;
    pollingIntervalMillis = b.pollingIntervalMillis;
    disableAutoRefresh = b.disableAutoRefresh;
    streamReplies = b.streamReplies;
    maxResponseBytes = b.maxResponseBytes;
    reconnectBaseDelayMillis = b.reconnectBaseDelayMillis;
    reconnectMaxDelayMillis = b.reconnectMaxDelayMillis;
    receiveQueueLimit = b.receiveQueueLimit;
  }

  /** A builder with every option at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builder of {@link DirectLineClientOptions}. */
  public static final class Builder {
    private String endpoint;
    private ApiVersion apiVersion = ApiVersion.V3;
    private int connectTimeoutMillis;
    private int requestTimeoutMillis;
    private int retryMaxAttempts;
    private int retryDeadlineMillis;
    private int retryBaseDelayMillis;
    private String userAgent;
    private String proxy;
    private String caFile;
    private boolean insecureSkipTlsVerify;
    private boolean allowInsecureHttp;
    private ReceiveMode receiveMode = ReceiveMode.AUTO;
    private int pollingIntervalMillis;
    private boolean disableAutoRefresh;
    private boolean streamReplies;
    private int maxResponseBytes;
    private int reconnectBaseDelayMillis;
    private int reconnectMaxDelayMillis;
    private int receiveQueueLimit;

    private Builder() {}

    /**
     * Base URL, as DirectLineJS's domain (e.g. https://host/v3/directline), or a
     * region name: "global", "europe", "india", "usgov", "china" (that region's
     * official host); null: "global".
     */
    public Builder endpoint(String value) { endpoint = value; return this; }
    /** Direct Line 3.0 (default) or 1.1. */
    public Builder apiVersion(ApiVersion value) { apiVersion = value == null ? ApiVersion.V3 : value; return this; }
    /** 0: 10000. */
    public Builder connectTimeoutMillis(int value) { connectTimeoutMillis = value; return this; }
    /** Per HTTP request; 0: 30000. */
    public Builder requestTimeoutMillis(int value) { requestTimeoutMillis = value; return this; }
    /** Tries for retryable calls (GET, token calls); 0: 4; 1: no retry. */
    public Builder retryMaxAttempts(int value) { retryMaxAttempts = value; return this; }
    /** Total time budget of one retried call; 0: 60000. */
    public Builder retryDeadlineMillis(int value) { retryDeadlineMillis = value; return this; }
    /** First backoff delay (doubles, with jitter); 0: 250. */
    public Builder retryBaseDelayMillis(int value) { retryBaseDelayMillis = value; return this; }
    /** Appended to the library's User-Agent. */
    public Builder userAgent(String value) { userAgent = value; return this; }
    /** "http://host:port". */
    public Builder proxy(String value) { proxy = value; return this; }
    /** PEM bundle to trust instead of the system store. */
    public Builder caFile(String value) { caFile = value; return this; }
    /** Disables certificate checks: tests only. */
    public Builder insecureSkipTlsVerify(boolean value) { insecureSkipTlsVerify = value; return this; }
    /** Permits http:// and ws:// to non-loopback hosts. */
    public Builder allowInsecureHttp(boolean value) { allowInsecureHttp = value; return this; }
    /** Stream when possible (default), or always poll. */
    public Builder receiveMode(ReceiveMode value) { receiveMode = value == null ? ReceiveMode.AUTO : value; return this; }
    /** 0: 1000. */
    public Builder pollingIntervalMillis(int value) { pollingIntervalMillis = value; return this; }
    /** Conversations do not refresh their token automatically. */
    public Builder disableAutoRefresh(boolean value) { disableAutoRefresh = value; return this; }
    /**
     * Posted messages ask for a streamed reply ("deliveryMode": "stream") unless
     * they set their own; see {@link Conversation#streamReply}.
     */
    public Builder streamReplies(boolean value) { streamReplies = value; return this; }
    /** Largest response body accepted; 0: 8 MiB; past it {@link ProtocolViolationException}. */
    public Builder maxResponseBytes(int value) { maxResponseBytes = value; return this; }
    /** Stream reconnect backoff: first ceiling (full jitter); 0: 1000. */
    public Builder reconnectBaseDelayMillis(int value) { reconnectBaseDelayMillis = value; return this; }
    /** Stream reconnect backoff: largest ceiling; 0: 15000. */
    public Builder reconnectMaxDelayMillis(int value) { reconnectMaxDelayMillis = value; return this; }
    /** Activities received but not yet taken before a conversation stops reading; 0: 1000. */
    public Builder receiveQueueLimit(int value) { receiveQueueLimit = value; return this; }

    /** The options, for {@link DirectLineClient#DirectLineClient(DirectLineClientOptions)}. */
    public DirectLineClientOptions build() {
      return new DirectLineClientOptions(this);
    }
  }
}
