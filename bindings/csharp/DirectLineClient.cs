using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace DirectLine
{
    /// <summary>
    /// A Direct Line client: generates and refreshes tokens, starts, opens and
    /// resumes conversations. Thread-safe; share one per endpoint. Dispose it
    /// when done (conversations it created stay usable).
    /// </summary>
    public sealed class DirectLineClient : IDisposable
    {
        readonly NativeHandle<NativeClient> handle;

        // Every native call starts from a client (or LibraryVersion): load the
        // native libraries before SWIG's own initializers P/Invoke into them.
        static DirectLineClient()
        {
            NativeLoader.Preload();
        }

        /// <summary>A client for the endpoint (Direct Line 3.0); null: the public service.</summary>
        public DirectLineClient(string endpoint)
            : this(new DirectLineClientOptions { Endpoint = endpoint })
        {
        }

        /// <summary>A client with these options; null: the defaults (the public service, Direct Line 3.0).</summary>
        public DirectLineClient(DirectLineClientOptions options)
        {
            DirectLineClientOptions o = options ?? new DirectLineClientOptions();
            var client = new NativeClient(o.Endpoint, (int)o.ApiVersion, o.ConnectTimeoutMs, o.RequestTimeoutMs,
                                          o.RetryMaxAttempts, o.RetryDeadlineMs, o.RetryBaseDelayMs, o.UserAgent,
                                          o.Proxy, o.CaFile, o.InsecureSkipTlsVerify, o.AllowInsecureHttp,
                                          (int)o.ReceiveMode, o.PollingIntervalMs, o.DisableAutoRefresh,
                                          o.StreamReplies, o.MaxResponseBytes, o.ReconnectBaseDelayMs,
                                          o.ReconnectMaxDelayMs, o.ReceiveQueueLimit);
            handle = new NativeHandle<NativeClient>("DirectLineClient", client,
                                                    NativeClient.getCPtr(client).Handle, null);
        }

        /// <summary>The effective endpoint (the default one when none was given).</summary>
        public string Endpoint
        {
            get { return handle.Call(c => c.effective_endpoint()); }
        }

        /// <summary>The native library's version, "MAJOR.MINOR.PATCH".</summary>
        public static string LibraryVersion
        {
            get { return DirectLineNative.dl_version_string(); }
        }

        /// <summary>Exchanges a secret for a token scoped to one new conversation.</summary>
        public Token GenerateToken(string secret)
        {
            return GenerateToken(secret, null, null, null);
        }

        /// <summary>Exchanges a secret for a token bound to a user (any argument but secret may be null).</summary>
        public Token GenerateToken(string secret, string userId, string userName, IEnumerable<string> trustedOrigins)
        {
            string origins = null;
            if (trustedOrigins != null)
            {
                var list = new List<string>();
                foreach (string origin in trustedOrigins)
                {
                    if (origin == null || origin.IndexOf('\n') >= 0)
                        throw new ArgumentException("trusted origins must be non-null single-line strings", "trustedOrigins");
                    list.Add(origin);
                }
                origins = list.Count == 0 ? null : string.Join("\n", list);
            }
            return Token.Take(handle.Call(c => c.issue_token(secret, userId, userName, origins)));
        }

        /// <summary>Refreshes (3.0) or renews (1.1, needs conversationId) a token that has not expired.</summary>
        public Token RefreshToken(string token, string conversationId = null)
        {
            return Token.Take(handle.Call(c => c.renew_token(token, conversationId)));
        }

        /// <summary>
        /// Starts a conversation with a secret (a new one each call) or a token from
        /// GenerateToken (its conversation; starting again is allowed, see IsNew).
        /// </summary>
        public Conversation StartConversation(string secretOrToken)
        {
            return new Conversation(handle.Call(c => c.begin_conversation(secretOrToken)));
        }

        /// <summary>
        /// Starts a conversation as options say (null: like <see cref="StartConversation(string)"/>
        /// but with a generated user id): with SendStartEvent, posts the startConversation event Web
        /// Chat sends so that a Copilot Studio agent greets (the greeting arrives through
        /// NextActivity like any reply). If the event cannot be posted, the conversation is closed
        /// and the error thrown.
        /// </summary>
        public Conversation StartConversation(string secretOrToken, StartOptions options)
        {
            StartOptions o = options ?? new StartOptions();
            return new Conversation(handle.Call(c => c.begin_conversation_with(
                secretOrToken, o.UserId, o.UserName, o.Locale, o.LocalTimezone, o.SendStartEvent)));
        }

        /// <summary>
        /// GETs a token endpoint without credentials, such as a Copilot Studio agent's
        /// "https://.../powervirtualagents/botsbyschema/SCHEMA/directline/token?api-version=...".
        /// The token is bound to a new conversation: start it with StartConversation. An error answer
        /// throws the exception for its HTTP status, with the service's error code when it sent one.
        /// </summary>
        public Token FetchToken(string tokenEndpointUrl)
        {
            return Token.Take(handle.Call(c => c.fetch_agent_token(tokenEndpointUrl)));
        }

        /// <summary>
        /// The Direct Line endpoint (".../v3/directline") of the agent behind a token endpoint, from
        /// its regional channel settings. Agents are regional: start their conversations on a client
        /// for this endpoint. Throws <see cref="ProtocolViolationException"/> when the answer has no
        /// usable URL; callers may then use "global".
        /// </summary>
        public string FetchRegionalEndpoint(string tokenEndpointUrl)
        {
            return handle.Call(c => c.fetch_region_endpoint(tokenEndpointUrl));
        }

        /// <summary>Opens an existing conversation without starting it; watermark may be null.</summary>
        public Conversation OpenConversation(string secretOrToken, string conversationId, string watermark = null)
        {
            return new Conversation(handle.Call(c => c.attach_conversation(secretOrToken, conversationId, watermark)));
        }

        /// <summary>Opens a conversation from <see cref="Conversation.ExportState"/> output.</summary>
        public Conversation ResumeConversation(string stateJson)
        {
            return new Conversation(handle.Call(c => c.restore_conversation(stateJson)));
        }

        /// <summary><see cref="GenerateToken(string)"/> on a background thread; the task faults with its exception.</summary>
        public Task<Token> GenerateTokenAsync(string secret)
        {
            return Background.Run(() => GenerateToken(secret));
        }

        /// <summary><see cref="GenerateToken(string, string, string, IEnumerable{string})"/> on a background thread; the task faults with its exception.</summary>
        public Task<Token> GenerateTokenAsync(string secret, string userId, string userName, IEnumerable<string> trustedOrigins)
        {
            return Background.Run(() => GenerateToken(secret, userId, userName, trustedOrigins));
        }

        /// <summary><see cref="RefreshToken(string, string)"/> on a background thread; the task faults with its exception.</summary>
        public Task<Token> RefreshTokenAsync(string token, string conversationId = null)
        {
            return Background.Run(() => RefreshToken(token, conversationId));
        }

        /// <summary><see cref="StartConversation(string)"/> on a background thread; the task faults with its exception.</summary>
        public Task<Conversation> StartConversationAsync(string secretOrToken)
        {
            return Background.Run(() => StartConversation(secretOrToken));
        }

        /// <summary><see cref="StartConversation(string, StartOptions)"/> on a background thread; the task faults with its exception.</summary>
        public Task<Conversation> StartConversationAsync(string secretOrToken, StartOptions options)
        {
            return Background.Run(() => StartConversation(secretOrToken, options));
        }

        /// <summary><see cref="FetchToken(string)"/> on a background thread; the task faults with its exception.</summary>
        public Task<Token> FetchTokenAsync(string tokenEndpointUrl)
        {
            return Background.Run(() => FetchToken(tokenEndpointUrl));
        }

        /// <summary><see cref="FetchRegionalEndpoint(string)"/> on a background thread; the task faults with its exception.</summary>
        public Task<string> FetchRegionalEndpointAsync(string tokenEndpointUrl)
        {
            return Background.Run(() => FetchRegionalEndpoint(tokenEndpointUrl));
        }

        /// <summary><see cref="ResumeConversation(string)"/> on a background thread; the task faults with its exception.</summary>
        public Task<Conversation> ResumeConversationAsync(string stateJson)
        {
            return Background.Run(() => ResumeConversation(stateJson));
        }

        /// <summary>Frees the native client. Idempotent.</summary>
        public void Dispose()
        {
            handle.Shutdown();
        }
    }

    /// <summary>Runs blocking native calls on dedicated threads, off the caller's thread and the pool.</summary>
    internal static class Background
    {
        internal static Task<T> Run<T>(Func<T> call)
        {
            return Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning,
                                         TaskScheduler.Default);
        }

        internal static Task Run(Action call)
        {
            return Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.LongRunning,
                                         TaskScheduler.Default);
        }
    }
}
