using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace DirectLine
{
    /// <summary>
    /// One Direct Line conversation. Safe to use from several threads. Dispose()
    /// (or Close()) stops receiving, wakes a thread blocked in NextActivity (it
    /// then throws <see cref="CancelledException"/>) and frees the native handle
    /// once no call is running any more. Later calls throw ObjectDisposedException. Receive
    /// (NextActivity, StreamReply) from one thread at a time.
    /// </summary>
    public sealed class Conversation : IDisposable
    {
        /// <summary>Most activities StreamReply sets aside for NextActivity (like the native receive queue).</summary>
        internal const int SetAsideLimit = 1000;

        readonly NativeHandle<NativeConversation> handle;
        // Received while StreamReply waited but not part of the reply; NextActivity's first.
        readonly LinkedList<Activity> setAside = new LinkedList<Activity>();

        internal Conversation(NativeConversation conversation)
        {
            handle = new NativeHandle<NativeConversation>("Conversation", conversation,
                                                          NativeConversation.getCPtr(conversation).Handle,
                                                          c => c.stop_receiving());
        }

        /// <summary>The conversation id.</summary>
        public string Id
        {
            get { return handle.Call(c => c.conversation_id()); }
        }

        /// <summary>The current token (changes when refreshed); null if the conversation uses a secret only.</summary>
        public string Token
        {
            get { return handle.Call(c => c.current_token()); }
        }

        /// <summary>The current stream URL; null if none (polling).</summary>
        public string StreamUrl
        {
            get { return handle.Call(c => c.current_stream_url()); }
        }

        /// <summary>Seconds the current token was issued for; 0 when unknown or a secret.</summary>
        public int ExpiresIn
        {
            get { return handle.Call(c => c.token_lifetime_seconds()); }
        }

        /// <summary>True if StartConversation created it (201); false if already started (200) or opened.</summary>
        public bool IsNew
        {
            get { return handle.Call(c => c.created_new()); }
        }

        /// <summary>True once an endOfConversation was received or sent.</summary>
        public bool IsEnded
        {
            get { return handle.Call(c => c.has_ended()); }
        }

        /// <summary>The last watermark seen by receiving; null before any.</summary>
        public string Watermark
        {
            get { return handle.Call(c => c.last_watermark()); }
        }

        /// <summary>
        /// The user id of a conversation started with <see cref="StartOptions"/> (given or
        /// generated, "dl_..."); null for conversations started otherwise.
        /// </summary>
        public string UserId
        {
            get { return handle.Call(c => c.started_user_id()); }
        }

        /// <summary>True after Close()/Dispose().</summary>
        public bool IsClosed
        {
            get { return handle.IsClosed; }
        }

        /// <summary>
        /// Posts a text message from userId; returns the activity id the service assigned. With the
        /// client option StreamReplies it asks for a streamed reply.
        /// </summary>
        public string SendMessage(string userId, string text)
        {
            return handle.Call(c => c.send_text(userId, text));
        }

        /// <summary>
        /// Posts one activity (JSON object with at least "type" and "from.id"); returns
        /// its id (null for 1.1). Never retried once it may have reached the service.
        /// </summary>
        public string PostActivity(string activityJson)
        {
            return handle.Call(c => c.post_json(activityJson));
        }

        /// <summary>Uploads one file as a message from userId.</summary>
        public string Upload(string userId, UploadFile file)
        {
            return Upload(userId, new[] { file }, null);
        }

        /// <summary>Uploads files as one message from userId, with an optional activity (JSON) they attach to.</summary>
        public string Upload(string userId, IEnumerable<UploadFile> files, string activityJson)
        {
            if (files == null)
                throw new ArgumentNullException("files");
            using (var batch = new NativeUploadBatch())
            {
                foreach (UploadFile file in files)
                {
                    if (file == null)
                        throw new ArgumentNullException("files", "null file in the upload list");
                    batch.add_file(file.Name, file.ContentType, file.Data, file.Data.Length);
                }
                return handle.Call(c => c.upload_batch(userId, batch, activityJson));
            }
        }

        /// <summary>Ends the conversation: posts endOfConversation from userId, then stops receiving.</summary>
        public string End(string userId)
        {
            return handle.Call(c => c.finish(userId));
        }

        /// <summary>
        /// One poll of GET activities after watermark (null: all retained): the service's
        /// ActivitySet JSON (1.1: MessageSet). Does not change what NextActivity delivers.
        /// </summary>
        public string GetActivities(string watermark = null)
        {
            return handle.Call(c => c.fetch_activity_set(watermark));
        }

        /// <summary>Fetches a fresh stream URL (and token, if sent). watermark null: only new activities.</summary>
        public void Reconnect(string watermark = null)
        {
            handle.Call(c => c.reconnect_from(watermark));
        }

        /// <summary>Refreshes the conversation's token now (InvalidArgumentException with a secret only).</summary>
        public void RefreshToken()
        {
            handle.Call(c => c.refresh_now());
        }

        /// <summary>Hands in a token refreshed elsewhere; used for every later call.</summary>
        public void SetToken(string token)
        {
            handle.Call(c => c.replace_token(token));
        }

        /// <summary>
        /// Waits up to timeoutMs (0: no wait; -1: forever) for the next activity, delivered
        /// exactly once and in order (those StreamReply set aside first); null when nothing
        /// arrived in time. Throws ConversationEndedException after the bot's endOfConversation
        /// was delivered, CancelledException when closed meanwhile, or the error that stopped
        /// receiving.
        /// </summary>
        public Activity NextActivity(int timeoutMs)
        {
            lock (setAside)
            {
                if (setAside.Count > 0)
                {
                    Activity first = setAside.First.Value;
                    setAside.RemoveFirst();
                    return first;
                }
            }
            return Receive(timeoutMs);
        }

        /// <summary>NextActivity without the set-aside activities.</summary>
        Activity Receive(int timeoutMs)
        {
            NativeActivity activity = handle.Call(c => c.wait_activity(timeoutMs));
            return activity == null ? null : Activity.Take(activity);
        }

        /// <summary>
        /// The reply to the activity sentId as it grows, ending with the final message: one
        /// <see cref="ReplyUpdate"/> per chunk of a streamed reply (asked for with the client option
        /// StreamReplies), whose Text is the whole reply so far, then one whose IsFinal is true. A
        /// reply that is not streamed gives just the final update, and so does a polling
        /// conversation: chunks are "typing" activities, sent only over the live WebSocket stream,
        /// which a post asking for a streamed reply opens before it goes out (so none is missed).
        /// <code>
        /// string sent = conversation.SendMessage(userId, "What is Direct Line?");
        /// foreach (ReplyUpdate update in conversation.StreamReply(sent, 30000))
        ///     Console.WriteLine(update.Text);
        /// </code>
        /// The reply's activities are recognised by replyToId (or a stream already seen); anything
        /// else that arrives meanwhile is set aside, not lost: NextActivity returns it afterwards, in
        /// order (at most 1000; past that <see cref="ProtocolViolationException"/>). Chunks that
        /// arrive after a newer one of the same stream are dropped. The sequence is lazy: each
        /// update is read when asked for, and stopping early leaves the rest to NextActivity.
        /// </summary>
        /// <param name="sentId">the id SendMessage or PostActivity returned</param>
        /// <param name="timeoutMs">how long to wait for each update (-1: forever); past it the
        /// enumeration throws <see cref="RequestTimeoutException"/></param>
        public IEnumerable<ReplyUpdate> StreamReply(string sentId, int timeoutMs)
        {
            var turn = new ReplyTurn(sentId);
            CheckTimeout(timeoutMs);
            return ReadReply(turn, timeoutMs);
        }

        /// <summary>
        /// <see cref="StreamReply"/> on a background thread: progress (may be null) gets each update
        /// in order, called on that thread (a <see cref="Progress{T}"/> posts them on to its
        /// context), and the task completes with the final message, or faults with the exception.
        /// </summary>
        public Task<Activity> StreamReplyAsync(string sentId, int timeoutMs, IProgress<ReplyUpdate> progress = null)
        {
            IEnumerable<ReplyUpdate> updates = StreamReply(sentId, timeoutMs);
            return Background.Run(() =>
            {
                ReplyUpdate last = null;
                foreach (ReplyUpdate update in updates)
                {
                    last = update;
                    if (progress != null)
                        progress.Report(update);
                }
                return last.Activity;
            });
        }

        static void CheckTimeout(int timeoutMs)
        {
            if (timeoutMs <= 0 && timeoutMs != -1)
                throw new ArgumentOutOfRangeException("timeoutMs", "must be > 0, or -1 to wait forever");
        }

        IEnumerable<ReplyUpdate> ReadReply(ReplyTurn turn, int timeoutMs)
        {
            foreach (ReplyUpdate update in ClaimSetAside(turn))
                yield return update;
            while (!turn.IsDone)
                yield return ReadUpdate(turn, timeoutMs);
        }

        /// <summary>Takes the reply's activities out of the set-aside ones (a previous turn's leftovers).</summary>
        List<ReplyUpdate> ClaimSetAside(ReplyTurn turn)
        {
            var updates = new List<ReplyUpdate>();
            lock (setAside)
            {
                LinkedListNode<Activity> node = setAside.First;
                while (node != null && !turn.IsDone)
                {
                    LinkedListNode<Activity> next = node.Next;
                    ReplyUpdate taken = turn.Take(node.Value);
                    if (taken != null)
                    {
                        setAside.Remove(node);
                        if (taken != ReplyTurn.Stale)
                            updates.Add(taken);
                    }
                    node = next;
                }
            }
            return updates;
        }

        ReplyUpdate ReadUpdate(ReplyTurn turn, int timeoutMs)
        {
            Stopwatch clock = Stopwatch.StartNew();
            while (true)
            {
                int wait = -1;
                if (timeoutMs != -1)
                {
                    long left = timeoutMs - clock.ElapsedMilliseconds;
                    if (left <= 0)
                        throw new RequestTimeoutException(ErrorCode.Timeout, 0, "",
                                                          "no update of the reply within " + timeoutMs + " ms", -1);
                    wait = (int)left;
                }
                Activity activity = Receive(wait);
                if (activity == null)
                    continue;
                ReplyUpdate taken = turn.Take(activity);
                if (taken == null)
                    KeepSetAside(activity);
                else if (taken != ReplyTurn.Stale)
                    return taken;
            }
        }

        void KeepSetAside(Activity activity)
        {
            lock (setAside)
            {
                setAside.AddLast(activity); // kept even past the limit: nothing is dropped
                if (setAside.Count > SetAsideLimit)
                    throw new ProtocolViolationException(ErrorCode.Protocol, 0, "",
                        "more than " + SetAsideLimit + " activities that are not part of the reply arrived "
                        + "while waiting for it; read them with NextActivity", -1);
            }
        }

        /// <summary>
        /// What is needed to resume later, in this or another process (JSON). It holds the
        /// token (never a secret): store it like a credential.
        /// </summary>
        public string ExportState()
        {
            return handle.Call(c => c.export_state());
        }

        /// <summary><see cref="SendMessage"/> on a background thread; the task faults with its exception.</summary>
        public Task<string> SendMessageAsync(string userId, string text)
        {
            return Background.Run(() => SendMessage(userId, text));
        }

        /// <summary><see cref="PostActivity"/> on a background thread; the task faults with its exception.</summary>
        public Task<string> PostActivityAsync(string activityJson)
        {
            return Background.Run(() => PostActivity(activityJson));
        }

        /// <summary><see cref="NextActivity"/> on a background thread; the task faults with its exception.</summary>
        public Task<Activity> NextActivityAsync(int timeoutMs)
        {
            return Background.Run(() => NextActivity(timeoutMs));
        }

        /// <summary><see cref="End"/> on a background thread; the task faults with its exception.</summary>
        public Task<string> EndAsync(string userId)
        {
            return Background.Run(() => End(userId));
        }

        /// <summary><see cref="Reconnect"/> on a background thread; the task faults with its exception.</summary>
        public Task ReconnectAsync(string watermark = null)
        {
            return Background.Run(() => Reconnect(watermark));
        }

        /// <summary><see cref="RefreshToken"/> on a background thread; the task faults with its exception.</summary>
        public Task RefreshTokenAsync()
        {
            return Background.Run(() => RefreshToken());
        }

        /// <summary>Stops receiving and frees the native conversation. Idempotent.</summary>
        public void Close()
        {
            handle.Shutdown();
        }

        /// <summary>Same as <see cref="Close"/>.</summary>
        public void Dispose()
        {
            Close();
        }

        /// <summary>The conversation id, for logs (no credentials).</summary>
        public override string ToString()
        {
            try
            {
                return "Conversation{Id=" + Id + "}";
            }
            catch (ObjectDisposedException)
            {
                return "Conversation{closed}";
            }
        }
    }
}
