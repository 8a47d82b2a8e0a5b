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
        /// <summary>Base URL as DirectLineJS's domain (e.g. https://host/v3/directline); null: the public service.</summary>
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
    }

    /// <summary>A Direct Line token. Immutable; ToString() never shows the value.</summary>
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

    /// <summary>One received activity. Immutable; Json has every field as received.</summary>
    public sealed class Activity
    {
        internal Activity(string id, string type, string text, string fromId, string json, bool isOwn)
        {
            Id = id;
            Type = type;
            Text = text;
            FromId = fromId;
            Json = json;
            IsOwn = isOwn;
        }

        internal static Activity Take(NativeActivity activity)
        {
            using (activity)
                return new Activity(activity.activity_id(), activity.activity_type(), activity.activity_text(),
                                    activity.sender_id(), activity.full_json(), activity.posted_by_self());
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

        /// <summary>For logs: never the token or secret.</summary>
        public override string ToString()
        {
            return "Activity{Type=" + Type + ", Id=" + Id + ", From=" + FromId + "}";
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
