using System;

namespace DirectLine
{
    /// <summary>The Direct Line protocol version a client speaks.</summary>
    public enum ApiVersion
    {
        /// <summary>Direct Line 3.0 (default).</summary>
        V3 = DirectLineNative.DL_API_V3,
        /// <summary>Direct Line 1.1 (legacy; polling only).</summary>
        V1_1 = DirectLineNative.DL_API_V1_1,
    }

    /// <summary>How conversations receive activities.</summary>
    public enum ReceiveMode
    {
        /// <summary>WebSocket stream when the service gives a stream URL, polling otherwise.</summary>
        Auto = DirectLineNative.DL_RECEIVE_AUTO,
        /// <summary>Always poll GET activities with the watermark.</summary>
        Polling = DirectLineNative.DL_RECEIVE_POLLING,
    }

    /// <summary>Options of a <see cref="DirectLineClient"/>; 0 or null means the library default.</summary>
    public sealed class DirectLineClientOptions
    {
        /// <summary>
        /// Base URL as DirectLineJS's domain (e.g. https://host/v3/directline), or a region name:
        /// "global", "europe", "india", "usgov", "china" (that region's official host); null: "global".
        /// </summary>
        public string Endpoint { get; set; }
        /// <summary>Direct Line 3.0 (default) or 1.1.</summary>
        public ApiVersion ApiVersion { get; set; }
        /// <summary>0: 10000.</summary>
        public int ConnectTimeoutMs { get; set; }
        /// <summary>Per HTTP request; 0: 30000.</summary>
        public int RequestTimeoutMs { get; set; }
        /// <summary>Tries for retryable calls (GET, token calls); 0: 4; 1: no retry.</summary>
        public int RetryMaxAttempts { get; set; }
        /// <summary>Total time budget of one retried call; 0: 60000.</summary>
        public int RetryDeadlineMs { get; set; }
        /// <summary>First backoff delay (doubles, with jitter); 0: 250.</summary>
        public int RetryBaseDelayMs { get; set; }
        /// <summary>Appended to the library's User-Agent.</summary>
        public string UserAgent { get; set; }
        /// <summary>"http://host:port".</summary>
        public string Proxy { get; set; }
        /// <summary>PEM bundle to trust instead of the system store.</summary>
        public string CaFile { get; set; }
        /// <summary>Disables certificate checks: tests only.</summary>
        public bool InsecureSkipTlsVerify { get; set; }
        /// <summary>Permits http:// and ws:// to non-loopback hosts.</summary>
        public bool AllowInsecureHttp { get; set; }
        /// <summary>Stream when possible (default), or always poll.</summary>
        public ReceiveMode ReceiveMode { get; set; }
        /// <summary>0: 1000.</summary>
        public int PollingIntervalMs { get; set; }
        /// <summary>Conversations do not refresh their token automatically.</summary>
        public bool DisableAutoRefresh { get; set; }
        /// <summary>
        /// Posted messages ask for a streamed reply ("deliveryMode": "stream") unless they set their
        /// own; see <see cref="Conversation.StreamReply"/>.
        /// </summary>
        public bool StreamReplies { get; set; }
        /// <summary>Largest response body accepted; 0: 8 MiB; past it <see cref="ProtocolViolationException"/>.</summary>
        public int MaxResponseBytes { get; set; }
        /// <summary>Stream reconnect backoff: first ceiling (full jitter); 0: 1000.</summary>
        public int ReconnectBaseDelayMs { get; set; }
        /// <summary>Stream reconnect backoff: largest ceiling; 0: 15000.</summary>
        public int ReconnectMaxDelayMs { get; set; }
        /// <summary>Activities received but not yet taken before a conversation stops reading; 0: 1000.</summary>
        public int ReceiveQueueLimit { get; set; }
    }

    /// <summary>
    /// How <see cref="DirectLineClient.StartConversation(string, StartOptions)"/> starts a conversation:
    /// the user, locale and time zone of the startConversation event Web Chat sends so that a
    /// Copilot Studio agent greets. Null properties are left out.
    /// </summary>
    public sealed class StartOptions
    {
        /// <summary>from.id of the start event; null: a generated "dl_..." id (<see cref="Conversation.UserId"/>).</summary>
        public string UserId { get; set; }
        /// <summary>from.name of the start event; null: none.</summary>
        public string UserName { get; set; }
        /// <summary>e.g. "fr-FR"; null: none.</summary>
        public string Locale { get; set; }
        /// <summary>IANA time zone, e.g. "Europe/Paris"; null: none.</summary>
        public string LocalTimezone { get; set; }
        /// <summary>Post the startConversation event right after the start, so that an agent greets.</summary>
        public bool SendStartEvent { get; set; }
    }

    /// <summary>A Direct Line token (GenerateToken, RefreshToken, FetchToken). Immutable; ToString() never shows the value.</summary>
    public sealed class Token
    {
        internal Token(string value, string conversationId, int expiresIn)
        {
            Value = value;
            ConversationId = conversationId;
            ExpiresIn = expiresIn;
        }

        /// <summary>Copies a native token and frees it.</summary>
        internal static Token Take(NativeToken token)
        {
            using (token)
                return new Token(token.token_value(), token.bound_conversation_id(), token.lifetime_seconds());
        }

        /// <summary>The token string: a credential, keep it out of logs.</summary>
        public string Value { get; private set; }
        /// <summary>The conversation the token is bound to; null when the service did not say (1.1).</summary>
        public string ConversationId { get; private set; }
        /// <summary>Lifetime in seconds as returned by the service; 0 when unknown.</summary>
        public int ExpiresIn { get; private set; }

        /// <summary>For logs: never the token or secret.</summary>
        public override string ToString()
        {
            return "Token{ConversationId=" + ConversationId + ", ExpiresIn=" + ExpiresIn + "}";
        }
    }

    /// <summary>
    /// One received activity. Immutable; Json has every field as received, the properties what
    /// the native library works out for it (the same answers in every language).
    /// </summary>
    public sealed class Activity
    {
        Activity(NativeActivity a)
        {
            Id = a.activity_id();
            Type = a.activity_type();
            Text = a.activity_text();
            FromId = a.sender_id();
            Json = a.full_json();
            IsOwn = a.posted_by_self();
            ReplyToId = a.replied_to();
            StreamId = a.stream_identifier();
            StreamType = a.stream_kind();
            StreamSequence = a.stream_position();
            SigninUrl = a.signin_link();
        }

        internal static Activity Take(NativeActivity activity)
        {
            using (activity)
                return new Activity(activity);
        }

        /// <summary>The activity id; "" if the service sent none.</summary>
        public string Id { get; private set; }
        /// <summary>e.g. "message", "typing", "endOfConversation".</summary>
        public string Type { get; private set; }
        /// <summary>The text, or null.</summary>
        public string Text { get; private set; }
        /// <summary>from.id; "" if none.</summary>
        public string FromId { get; private set; }
        /// <summary>The whole activity JSON as received (1.1: the message).</summary>
        public string Json { get; private set; }
        /// <summary>True if this conversation posted the activity itself (its echo).</summary>
        public bool IsOwn { get; private set; }
        /// <summary>replyToId: the id of the activity this one answers; null if none.</summary>
        public string ReplyToId { get; private set; }
        /// <summary>
        /// The streamed reply this chunk or final message belongs to; null when not streamed.
        /// The first chunk names the stream with its own id.
        /// </summary>
        public string StreamId { get; private set; }
        /// <summary>"informative", "streaming" or "final"; null when not streamed.</summary>
        public string StreamType { get; private set; }
        /// <summary>The chunk's sequence number (1, 2, ...); 0 when none (the final message has none).</summary>
        public int StreamSequence { get; private set; }
        /// <summary>The sign-in URL of the first OAuth or sign-in card attached; null if none.</summary>
        public string SigninUrl { get; private set; }

        /// <summary>For logs: never the token or secret.</summary>
        public override string ToString()
        {
            return "Activity{Type=" + Type + ", Id=" + Id + ", From=" + FromId + "}";
        }
    }

    /// <summary>
    /// One step of a streamed reply, from <see cref="Conversation.StreamReply"/>: a chunk (the whole
    /// text so far) or, last, the final message.
    /// </summary>
    public sealed class ReplyUpdate
    {
        internal ReplyUpdate(string text, Activity activity, bool isFinal, bool isInformative)
        {
            Text = text;
            Activity = activity;
            IsFinal = isFinal;
            IsInformative = isInformative;
        }

        /// <summary>
        /// The reply so far. Each streaming chunk carries the whole text up to that point (not a
        /// delta): show it in place of the previous one. For an informative update, the status text
        /// ("Searching..."); for the final update, the whole reply ("" when it has no text).
        /// </summary>
        public string Text { get; private set; }
        /// <summary>The chunk (a "typing" activity) or the final message, as received.</summary>
        public Activity Activity { get; private set; }
        /// <summary>True for the last update: <see cref="Activity"/> is then the final message.</summary>
        public bool IsFinal { get; private set; }
        /// <summary>True for a status update ("Searching...") that is not part of the answer.</summary>
        public bool IsInformative { get; private set; }

        /// <summary>For logs.</summary>
        public override string ToString()
        {
            return "ReplyUpdate{IsFinal=" + IsFinal + ", IsInformative=" + IsInformative + ", Text=" + Text + "}";
        }
    }

    /// <summary>One file for <see cref="Conversation.Upload(string, UploadFile)"/>.</summary>
    public sealed class UploadFile
    {
        /// <param name="name">file name, e.g. "a.png"</param>
        /// <param name="contentType">e.g. "image/png"; null: application/octet-stream</param>
        /// <param name="data">the content (copied when uploading)</param>
        public UploadFile(string name, string contentType, byte[] data)
        {
            if (name == null)
                throw new ArgumentNullException("name");
            if (data == null)
                throw new ArgumentNullException("data");
            Name = name;
            ContentType = contentType;
            Data = data;
        }

        /// <summary>The file name sent with the upload.</summary>
        public string Name { get; private set; }
        /// <summary>The content type; null: application/octet-stream.</summary>
        public string ContentType { get; private set; }
        /// <summary>The content.</summary>
        public byte[] Data { get; private set; }
    }
}
