using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using NUnit.Framework;

namespace DirectLine.Tests
{
    /// <summary>Copilot Studio agents: token endpoint, region, greeting, streamed replies, sign-in cards.</summary>
    [TestFixture]
    public class CopilotTests : SharedEmulatorFixture
    {
        /// <summary>Reports synchronously, in order (Progress&lt;T&gt; would post to the thread pool).</summary>
        sealed class Recorder : IProgress<ReplyUpdate>
        {
            public readonly List<ReplyUpdate> Updates = new List<ReplyUpdate>();
            public void Report(ReplyUpdate value) { lock (Updates) Updates.Add(value); }
        }

        DirectLineClient StreamingClient()
        {
            return new DirectLineClient(new DirectLineClientOptions { Endpoint = emulator.V3, StreamReplies = true });
        }

        /// <summary>At least 3 chunks with growing cumulative text on one stream, then the final message.</summary>
        static void CheckStreamed(IList<ReplyUpdate> updates, string text)
        {
            List<ReplyUpdate> chunks = updates.Take(updates.Count - 1).ToList();
            ReplyUpdate last = updates[updates.Count - 1];
            Assert.GreaterOrEqual(chunks.Count, 3, string.Join(" | ", updates.Select(u => u.Text)));
            for (int i = 0; i < chunks.Count; i++)
            {
                Assert.IsFalse(chunks[i].IsFinal || chunks[i].IsInformative);
                Assert.AreEqual("typing", chunks[i].Activity.Type);
                Assert.AreEqual(i + 1, chunks[i].Activity.StreamSequence);
                if (i > 0)
                {
                    StringAssert.StartsWith(chunks[i - 1].Text, chunks[i].Text);
                    Assert.Greater(chunks[i].Text.Length, chunks[i - 1].Text.Length);
                }
            }
            Assert.AreEqual(1, updates.Select(u => u.Activity.StreamId).Distinct().Count());
            Assert.IsTrue(last.IsFinal);
            Assert.AreEqual("echo: " + text, last.Text);
            Assert.AreEqual(last.Text, chunks[chunks.Count - 1].Text);
            Assert.AreEqual("message", last.Activity.Type);
            Assert.AreEqual("final", last.Activity.StreamType);
            Assert.AreEqual(0, last.Activity.StreamSequence);
        }

        [Test]
        public void fetch_token_and_regional_endpoint_start_that_conversation()
        {
            string url = emulator.AgentTokenUrl("emulator.agent");
            string endpoint;
            Token token;
            using (var bootstrap = new DirectLineClient("global"))
            {
                Assert.AreEqual("https://directline.botframework.com/v3/directline", bootstrap.Endpoint);
                endpoint = bootstrap.FetchRegionalEndpoint(url);
                token = bootstrap.FetchToken(url);
            }
            Assert.AreEqual(emulator.V3, endpoint);
            Assert.IsNotEmpty(token.Value);
            Assert.Greater(token.ExpiresIn, 0);
            using (var agent = new DirectLineClient(endpoint))
            using (Conversation conversation = agent.StartConversation(token.Value))
            {
                Assert.AreEqual(token.ConversationId, conversation.Id);
                Assert.IsTrue(conversation.IsNew);
                Assert.IsNull(conversation.UserId);
            }
            Assert.IsNotEmpty(client.FetchTokenAsync(url).Result.Value);
            Assert.AreEqual(emulator.V3, client.FetchRegionalEndpointAsync(url).Result);
            using (var europe = new DirectLineClient("europe"))
                Assert.AreEqual("https://europe.directline.botframework.com/v3/directline", europe.Endpoint);
        }

        [Test]
        public void token_endpoint_errors_carry_the_http_status()
        {
            var unknown = Assert.Throws<NotFoundException>(() => client.FetchToken(emulator.AgentTokenUrl("no.such.agent")));
            Assert.AreEqual(404, unknown.HttpStatus);
            Assert.AreEqual(ErrorCode.NotFound, unknown.Code);
            Assert.AreEqual("DL_ENOTFOUND", unknown.ResultName);
            StringAssert.Contains("ItemWithIdNotFound", unknown.Message);
            string noVersion = emulator.AgentTokenUrl("emulator.agent").Split('?')[0];
            var bad = Assert.Throws<BadRequestException>(() => client.FetchToken(noVersion));
            Assert.AreEqual(400, bad.HttpStatus);
            StringAssert.Contains("MissingApiVersionParameter", bad.Message);
            var invalid = Assert.Throws<InvalidArgumentException>(() => client.FetchRegionalEndpoint("not a url"));
            Assert.AreEqual("DL_EINVALID", invalid.ResultName);
        }

        [Test]
        public void greeting_in_french_with_start_options()
        {
            var options = new StartOptions
            {
                UserId = "dl_ann", UserName = "Ann", Locale = "fr-FR", LocalTimezone = "Europe/Paris", SendStartEvent = true,
            };
            using (Conversation conversation = client.StartConversation(Emulator.Secret, options))
            {
                Assert.AreEqual("dl_ann", conversation.UserId);
                Activity startEvent = Waits.Until(conversation, a => a.IsOwn, 10000);
                Assert.AreEqual("event", startEvent.Type);
                StringAssert.Contains("\"startConversation\"", startEvent.Json);
                StringAssert.Contains("\"localTimezone\":\"Europe/Paris\"", startEvent.Json);
                Activity greeting = Waits.Until(conversation, a => a.Type == "message" && !a.IsOwn, 10000);
                StringAssert.StartsWith("Bonjour", greeting.Text);
                Assert.AreEqual(startEvent.Id, greeting.ReplyToId);
            }
            using (Conversation generated = client.StartConversationAsync(Emulator.Secret, new StartOptions { SendStartEvent = true }).Result)
            {
                StringAssert.StartsWith("dl_", generated.UserId);
                StringAssert.StartsWith("Hello", Waits.Until(generated, a => a.Type == "message" && !a.IsOwn, 10000).Text);
            }
        }

        [Test]
        public void streamed_reply_grows_and_ends_with_the_final_message()
        {
            string text = "tell me about streamed replies please";
            using (DirectLineClient streaming = StreamingClient())
            using (Conversation conversation = streaming.StartConversation(Emulator.Secret))
            {
                Assert.IsNull(conversation.NextActivity(300)); // chunks travel only on the live stream: open it
                string sent = conversation.SendMessage("user1", text);
                List<ReplyUpdate> updates = conversation.StreamReply(sent, 10000).ToList();
                CheckStreamed(updates, text);
                Assert.IsTrue(updates.All(u => u.Activity.ReplyToId == sent));
                // Our own message arrived meanwhile: set aside, not lost.
                Activity own = conversation.NextActivity(5000);
                Assert.IsTrue(own.IsOwn);
                Assert.AreEqual(sent, own.Id);
                StringAssert.Contains("\"deliveryMode\":\"stream\"", own.Json);
                Assert.IsNull(conversation.NextActivity(300));
            }
        }

        [Test]
        public void stream_reply_async_reports_every_update_then_completes()
        {
            using (DirectLineClient streaming = StreamingClient())
            using (Conversation conversation = streaming.StartConversation(Emulator.Secret))
            {
                Assert.IsNull(conversation.NextActivity(300));
                string first = conversation.SendMessage("user1", "one two three four");
                string second = conversation.SendMessage("user1", "five six seven");
                var recorder = new Recorder();
                Activity reply = conversation.StreamReplyAsync(first, 10000, recorder).Result;
                Assert.AreEqual("echo: one two three four", reply.Text);
                CheckStreamed(recorder.Updates, "one two three four");
                // The second reply's chunks interleaved with the first's: set aside, then claimed.
                CheckStreamed(conversation.StreamReply(second, 10000).ToList(), "five six seven");
                Assert.AreEqual(first, conversation.NextActivity(1000).Id);
                Assert.AreEqual(second, conversation.NextActivity(1000).Id);
            }
        }

        [Test]
        public void reply_that_is_not_streamed_is_one_final_update()
        {
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                string sent = conversation.SendMessage("user1", "plain");
                List<ReplyUpdate> updates = conversation.StreamReply(sent, 10000).ToList();
                Assert.AreEqual(1, updates.Count);
                Assert.IsTrue(updates[0].IsFinal);
                Assert.AreEqual("echo: plain", updates[0].Text);
                Assert.IsNull(updates[0].Activity.StreamId);
            }
        }

        [Test]
        public void polling_sees_only_the_final_message()
        {
            var options = new DirectLineClientOptions
            {
                Endpoint = emulator.V3, StreamReplies = true, ReceiveMode = ReceiveMode.Polling, PollingIntervalMs = 200,
            };
            using (var polling = new DirectLineClient(options))
            using (Conversation conversation = polling.StartConversation(Emulator.Secret))
            {
                string sent = conversation.SendMessage("user1", "polled words here");
                List<ReplyUpdate> updates = conversation.StreamReply(sent, 10000).ToList();
                Assert.AreEqual(1, updates.Count);
                Assert.AreEqual("echo: polled words here", updates[0].Text);
                Assert.AreEqual("final", updates[0].Activity.StreamType);
            }
        }

        [Test]
        public void stream_reply_times_out_and_checks_its_arguments()
        {
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                string sent = conversation.SendMessage("user1", "nobody waits for this");
                Stopwatch clock = Stopwatch.StartNew();
                var e = Assert.Throws<RequestTimeoutException>(() => conversation.StreamReply("not-a-sent-id", 500).First());
                Assert.That(clock.ElapsedMilliseconds, Is.InRange(400, 5000));
                Assert.AreEqual(ErrorCode.Timeout, e.Code);
                // What arrived meanwhile is still there for its own turn.
                Assert.AreEqual("echo: nobody waits for this", conversation.StreamReply(sent, 10000).Last().Text);
                Assert.Throws<ArgumentNullException>(() => conversation.StreamReply(null, 1000));
                Assert.Throws<ArgumentOutOfRangeException>(() => conversation.StreamReply(sent, 0));
                string end = conversation.End("user1");
                Assert.Throws<ConversationEndedException>(() => conversation.StreamReply(end, 5000).First());
            }
        }

        [Test]
        public void set_aside_activities_are_bounded_and_never_dropped()
        {
            using (var admin = new Emulator("--admin"))
            using (var local = new DirectLineClient(admin.V3))
            using (Conversation conversation = local.StartConversation(Emulator.Secret))
            {
                Assert.IsNull(conversation.NextActivity(300));
                admin.Admin("/admin/conversations/" + conversation.Id + "/activities", "{\"count\":1001,\"text\":\"unrelated\"}");
                var e = Assert.Throws<ProtocolViolationException>(() => conversation.StreamReply("not-a-sent-id", 10000).Count());
                StringAssert.Contains("1000", e.Message);
                for (int i = 1; i <= 1001; i++)
                    Assert.AreEqual("unrelated " + i, conversation.NextActivity(5000).Text);
            }
        }

        /// <summary>
        /// Web Chat's rules on bot activities made by hand: an informative update, a chunk that
        /// belongs by its stream id alone, one that arrives after a newer one (dropped), and a final
        /// message with the stream only in channelData.
        /// </summary>
        [Test]
        public void informative_stale_and_stream_membership()
        {
            using (var admin = new Emulator("--admin"))
            using (var local = new DirectLineClient(admin.V3))
            using (Conversation conversation = local.StartConversation(Emulator.Secret))
            {
                Assert.IsNull(conversation.NextActivity(300));
                string sent = conversation.PostActivity("{\"type\":\"event\",\"name\":\"ask\",\"from\":{\"id\":\"u\"}}");
                string path = "/admin/conversations/" + conversation.Id + "/activities";
                string ids = admin.Admin(path, "{\"type\":\"typing\",\"text\":\"Searching...\",\"replyToId\":\"" + sent
                    + "\",\"entities\":[{\"type\":\"streaminfo\",\"streamType\":\"informative\",\"streamSequence\":1}]}");
                string first = System.Text.RegularExpressions.Regex.Match(ids, "\\[\"([^\"]+)\"").Groups[1].Value;
                admin.Admin(path, "{\"type\":\"typing\",\"text\":\"The answer\",\"entities\":[{\"type\":\"streaminfo\","
                    + "\"streamType\":\"streaming\",\"streamSequence\":3,\"streamId\":\"" + first + "\"}]}");
                admin.Admin(path, "{\"type\":\"typing\",\"text\":\"The\",\"entities\":[{\"type\":\"streaminfo\","
                    + "\"streamType\":\"streaming\",\"streamSequence\":2,\"streamId\":\"" + first + "\"}]}");
                admin.Admin(path, "{\"type\":\"message\",\"text\":\"The answer is 42\","
                    + "\"channelData\":{\"streamType\":\"final\",\"streamId\":\"" + first + "\"}}");
                List<ReplyUpdate> updates = conversation.StreamReply(sent, 10000).ToList();
                CollectionAssert.AreEqual(new[] { "Searching...", "The answer", "The answer is 42" }, updates.Select(u => u.Text).ToArray());
                CollectionAssert.AreEqual(new[] { true, false, false }, updates.Select(u => u.IsInformative).ToArray());
                Assert.IsTrue(updates[2].IsFinal);
                Assert.IsTrue(updates.All(u => u.Activity.StreamId == first));
                Assert.AreEqual(sent, conversation.NextActivity(2000).Id);
                Assert.IsNull(conversation.NextActivity(300), "the stale chunk is dropped");
            }
        }

        [Test]
        public void sign_in_card_gives_its_url()
        {
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                string sent = conversation.SendMessage("user1", "login");
                Activity card = conversation.StreamReplyAsync(sent, 10000).Result;
                StringAssert.StartsWith(emulator.BaseUrl + "/signin?", card.SigninUrl);
                var request = (HttpWebRequest)WebRequest.Create(card.SigninUrl);
                request.Proxy = null;
                using (var response = (HttpWebResponse)request.GetResponse())
                    Assert.AreEqual(HttpStatusCode.OK, response.StatusCode);
                string plain = conversation.SendMessage("user1", "no card");
                Assert.IsNull(conversation.StreamReply(plain, 10000).Last().Activity.SigninUrl);
            }
        }

        [Test]
        public void client_options_reach_the_library()
        {
            var tuned = new DirectLineClientOptions
            {
                Endpoint = emulator.V3, MaxResponseBytes = 1 << 20, ReconnectBaseDelayMs = 100, ReconnectMaxDelayMs = 2000,
                ReceiveQueueLimit = 50,
            };
            using (var c = new DirectLineClient(tuned))
            using (Conversation conversation = c.StartConversation(Emulator.Secret))
                Assert.IsNotEmpty(conversation.Id);
            // The library checks the pair, so both values got there.
            var inverted = new DirectLineClientOptions { Endpoint = emulator.V3, ReconnectBaseDelayMs = 5000, ReconnectMaxDelayMs = 1000 };
            var e = Assert.Throws<InvalidArgumentException>(() => new DirectLineClient(inverted));
            StringAssert.Contains("reconnect_max_delay_ms", e.Message);
        }
    }
}
