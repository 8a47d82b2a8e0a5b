using System;
using System.Collections.Generic;

namespace DirectLine
{
    /// <summary>
    /// Which received activities make up the reply to one sent activity. Ours: replyToId is the
    /// sent id, or the stream id is one already seen in this turn. A chunk is a streamed activity;
    /// the end is the stream's final activity or a message that is not streamed. A chunk with a
    /// lower sequence than one already seen arrived out of order and is dropped, as Web Chat does.
    /// </summary>
    internal sealed class ReplyTurn
    {
        /// <summary>Take's answer for a superseded chunk (part of the reply, nothing to show).</summary>
        internal static readonly ReplyUpdate Stale = new ReplyUpdate("", null, false, false);

        readonly string sentId;
        readonly Dictionary<string, int> sequences = new Dictionary<string, int>();

        internal ReplyTurn(string sentId)
        {
            if (string.IsNullOrEmpty(sentId))
                throw new ArgumentNullException("sentId", "the id of a sent activity is needed");
            this.sentId = sentId;
        }

        /// <summary>True once the final update was taken.</summary>
        internal bool IsDone { get; private set; }

        /// <summary>An update, Stale, or null for an activity that is not part of the reply.</summary>
        internal ReplyUpdate Take(Activity activity)
        {
            string streamId = activity.StreamId;
            if (activity.ReplyToId != sentId && (streamId == null || !sequences.ContainsKey(streamId)))
                return null;
            string text = activity.Text ?? "";
            if (activity.StreamType == "final" || (streamId == null && activity.Type == "message"))
            {
                IsDone = true;
                return new ReplyUpdate(text, activity, true, false);
            }
            if (streamId == null)
                return null; // e.g. a plain typing indicator: left for NextActivity
            int seen;
            sequences.TryGetValue(streamId, out seen);
            int sequence = activity.StreamSequence;
            if (sequence != 0 && sequence <= seen)
                return Stale;
            sequences[streamId] = Math.Max(sequence, seen);
            return new ReplyUpdate(text, activity, false, activity.StreamType == "informative");
        }
    }
}
