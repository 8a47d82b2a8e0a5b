using System;
using System.Text;
using NUnit.Framework;

namespace DirectLine.Tests
{
    /// <summary>The behaviour test every binding runs against the emulator.</summary>
    [TestFixture]
    public class BehaviourTests : SharedEmulatorFixture
    {
        [Test]
        public void test_04_generate_token()
        {
            Token token = client.GenerateToken(Emulator.Secret);
            Assert.IsNotEmpty(token.Value);
            Assert.IsNotNull(token.ConversationId);
            Assert.AreEqual(1800, token.ExpiresIn);
            StringAssert.DoesNotContain(token.Value, token.ToString());
        }

        [Test]
        public void test_05_generate_token_with_user()
        {
            Token token = client.GenerateToken(Emulator.Secret, "dl_abc", "Ann", new[] { "https://a.example" });
            using (Conversation conversation = client.StartConversation(token.Value))
            {
                conversation.SendMessage("other", "who am i");
                Activity own = Waits.Until(conversation, a => a.IsOwn, 10000);
                Assert.AreEqual("dl_abc", own.FromId);
            }
        }

        [Test]
        public void test_18_19_27_start_send_receive_refresh_reconnect_end()
        {
            Token token = client.GenerateToken(Emulator.Secret);
            using (Conversation first = client.StartConversation(token.Value))
            using (Conversation again = client.StartConversation(token.Value))
            {
                Assert.IsTrue(first.IsNew, "201 the first time");
                Assert.IsFalse(again.IsNew, "200 when started again");
                Assert.AreEqual(token.ConversationId, first.Id);
                Assert.AreEqual(first.Id, again.Id);
                Assert.IsNotNull(first.StreamUrl);
                Assert.Greater(first.ExpiresIn, 0);

                string id = first.SendMessage("user1", "hello");
                StringAssert.StartsWith(first.Id + "|", id);
                Activity own = Waits.Until(first, a => a.IsOwn, 10000);
                Assert.AreEqual(id, own.Id);
                Assert.AreEqual("hello", own.Text);
                Activity echo = Waits.BotMessage(first, "echo: hello");
                Assert.AreEqual("bot", echo.FromId);
                StringAssert.Contains("\"replyToId\"", echo.Json);
                Assert.IsNotNull(first.Watermark);

                string before = first.Token;
                first.RefreshToken();
                Assert.AreNotEqual(before, first.Token);
                Token refreshed = client.RefreshToken(first.Token);
                Assert.AreEqual(first.Id, refreshed.ConversationId);
                first.SetToken(refreshed.Value);

                string oldStream = first.StreamUrl;
                first.Reconnect(first.Watermark);
                Assert.AreNotEqual(oldStream, first.StreamUrl);
                first.SendMessage("user1", "after reconnect");
                Waits.BotMessage(first, "echo: after reconnect");

                string set = first.GetActivities(null);
                Assert.Less(set.IndexOf("\"hello\""), set.IndexOf("echo: hello"));
                StringAssert.Contains("after reconnect", set);

                Assert.IsNotNull(first.End("user1"));
                Assert.IsTrue(first.IsEnded);
            }
        }

        [Test]
        public void test_16_start_with_secret_export_and_resume()
        {
            string state, conversationId;
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                Assert.IsTrue(conversation.IsNew);
                conversationId = conversation.Id;
                conversation.SendMessage("user1", "one");
                Waits.BotMessage(conversation, "echo: one");
                state = conversation.ExportState();
                StringAssert.DoesNotContain(Emulator.Secret, state);
                StringAssert.Contains(conversationId, state);
            }
            using (Conversation resumed = client.ResumeConversation(state))
            {
                Assert.AreEqual(conversationId, resumed.Id);
                resumed.SendMessage("user1", "two");
                Activity next = Waits.Until(resumed, a => a.Type == "message", 10000);
                Assert.AreEqual("two", next.Text);
                Waits.BotMessage(resumed, "echo: two");
            }
        }

        [Test]
        public void test_14_open_existing_conversation_with_secret()
        {
            using (Conversation started = client.StartConversation(Emulator.Secret))
            {
                started.SendMessage("user1", "first");
                Waits.BotMessage(started, "echo: first");
                using (Conversation opened = client.OpenConversation(Emulator.Secret, started.Id, started.Watermark))
                {
                    Assert.IsFalse(opened.IsNew);
                    started.SendMessage("user1", "second");
                    Activity next = Waits.Until(opened, a => a.Type == "message", 10000);
                    Assert.AreEqual("second", next.Text);
                    Assert.IsFalse(next.IsOwn);
                    Waits.BotMessage(opened, "echo: second");
                }
            }
        }

        [Test]
        public void test_58_59_upload()
        {
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                string one = conversation.Upload("user1",
                    new UploadFile("a.png", "image/png", Encoding.UTF8.GetBytes("not really a png")));
                Activity own = Waits.Until(conversation, a => a.Id == one, 10000);
                StringAssert.Contains("a.png", own.Json);
                StringAssert.Contains("image/png", own.Json);

                string two = conversation.Upload("user1", new[]
                {
                    new UploadFile("a.txt", "text/plain", Encoding.UTF8.GetBytes("A")),
                    new UploadFile("b.bin", null, new byte[] { 0, 1, 2, 255 }),
                }, "{\"type\":\"message\",\"from\":{\"id\":\"user1\"},\"text\":\"two files\"}");
                Activity both = Waits.Until(conversation, a => a.Id == two, 10000);
                Assert.AreEqual("two files", both.Text);
                StringAssert.Contains("b.bin", both.Json);
            }
        }

        [Test]
        public void test_27_post_activity_json()
        {
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                string id = conversation.PostActivity(
                    "{\"type\":\"message\",\"from\":{\"id\":\"u1\"},\"text\":\"hi\",\"channelData\":{\"k\":[1,2]}}");
                StringAssert.StartsWith(conversation.Id, id);
                Waits.BotMessage(conversation, "echo: hi");
            }
        }

        [Test]
        public void test_69_non_ascii_text_round_trips()
        {
            const string text = "h\u00e9llo \U0001F44B \u4e16\u754c"; // é, a waving hand (outside the BMP), CJK
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                conversation.SendMessage("user1", text);
                Activity own = Waits.Until(conversation, a => a.IsOwn, 10000);
                Assert.AreEqual(text, own.Text);
                Waits.BotMessage(conversation, "echo: " + text);
            }
        }

        [Test]
        public void test_75_77_79_80_direct_line_1_1()
        {
            var options = new DirectLineClientOptions
            {
                Endpoint = emulator.V1, ApiVersion = ApiVersion.V1_1, PollingIntervalMs = 100,
            };
            using (var v1 = new DirectLineClient(options))
            {
                Assert.IsNotEmpty(v1.GenerateToken(Emulator.Secret).Value);
                using (Conversation conversation = v1.StartConversation(Emulator.Secret))
                {
                    Assert.IsNull(conversation.StreamUrl);
                    Assert.IsNull(conversation.SendMessage("user1", "old protocol"), "1.1: 204, no id");
                    Waits.BotMessage(conversation, "echo: old protocol");
                    Token renewed = v1.RefreshToken(conversation.Token, conversation.Id);
                    Assert.AreNotEqual(conversation.Token, renewed.Value);
                }
            }
        }

        [Test]
        public void test_polling_mode_receives_in_order()
        {
            var options = new DirectLineClientOptions
            {
                Endpoint = emulator.V3, ReceiveMode = ReceiveMode.Polling, PollingIntervalMs = 100,
            };
            using (var polling = new DirectLineClient(options))
            using (Conversation conversation = polling.StartConversation(Emulator.Secret))
            {
                for (int i = 1; i <= 3; i++)
                    conversation.SendMessage("user1", "m" + i);
                for (int i = 1; i <= 3; i++)
                    Waits.BotMessage(conversation, "echo: m" + i);
            }
        }

        [Test]
        public void test_async_variants()
        {
            Token token = client.GenerateTokenAsync(Emulator.Secret).Result;
            using (Conversation conversation = client.StartConversationAsync(token.Value).Result)
            {
                Assert.IsNotNull(conversation.SendMessageAsync("user1", "async").Result);
                Activity echo = null;
                while (echo == null || echo.IsOwn || echo.Type != "message")
                {
                    echo = conversation.NextActivityAsync(10000).Result;
                    Assert.IsNotNull(echo, "no activity within 10 s");
                }
                Assert.AreEqual("echo: async", echo.Text);
            }
        }

        [Test]
        public void test_next_activity_times_out_with_null()
        {
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                Assert.IsNull(conversation.NextActivity(200));
                Assert.GreaterOrEqual(watch.ElapsedMilliseconds, 150);
            }
        }

        [Test]
        public void test_library_version_and_endpoint()
        {
            Assert.AreEqual("0.2.0", DirectLineClient.LibraryVersion);
            StringAssert.StartsWith("http://127.0.0.1:", client.Endpoint);
        }
    }
}
