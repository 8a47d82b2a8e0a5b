using System;
using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace DirectLine.Tests
{
    /// <summary>Each error kind surfaces as its own exception type, with the details.</summary>
    [TestFixture]
    public class ErrorTests
    {
        static DirectLineClient ClientFor(string endpoint)
        {
            return new DirectLineClient(new DirectLineClientOptions
            {
                Endpoint = endpoint, DisableAutoRefresh = true, RetryMaxAttempts = 1,
            });
        }

        [Test]
        public void test_01_unauthorized_401()
        {
            using (var emulator = new Emulator("--fault", "route=generate,status=401,times=1"))
            using (var client = ClientFor(emulator.V3))
            {
                var e = Assert.Throws<UnauthorizedException>(() => client.GenerateToken(Emulator.Secret));
                Assert.AreEqual(401, e.HttpStatus);
                Assert.AreEqual(ErrorCode.Unauthorized, e.Code);
                Assert.AreEqual("InjectedFault", e.ServiceCode);
                StringAssert.DoesNotContain(Emulator.Secret, e.Message);
            }
        }

        [Test]
        public void test_03_unknown_secret_forbidden_403()
        {
            using (var emulator = new Emulator())
            using (var client = ClientFor(emulator.V3))
            {
                const string wrong = "wrong-secret-not-to-be-logged";
                var e = Assert.Throws<ForbiddenException>(() => client.GenerateToken(wrong));
                Assert.AreEqual(403, e.HttpStatus);
                Assert.AreEqual(ErrorCode.Forbidden, e.Code);
                StringAssert.DoesNotContain(wrong, e.Message);
                Assert.IsNotInstanceOf<TokenExpiredException>(e);
            }
        }

        [Test]
        public void test_10_token_expired_403()
        {
            using (var emulator = new Emulator("--admin"))
            using (var client = ClientFor(emulator.V3))
            {
                Token token = client.GenerateToken(Emulator.Secret);
                using (Conversation conversation = client.StartConversation(token.Value))
                {
                    emulator.Admin("/admin/clock", "{\"advance_seconds\":3600}");
                    var e = Assert.Throws<TokenExpiredException>(() => conversation.SendMessage("user1", "too late"));
                    Assert.AreEqual(403, e.HttpStatus);
                    Assert.AreEqual("TokenExpired", e.ServiceCode);
                    Assert.AreEqual(ErrorCode.TokenExpired, e.Code);
                    Assert.IsInstanceOf<ForbiddenException>(e);
                    StringAssert.DoesNotContain(token.Value, e.Message);
                    Assert.Throws<TokenExpiredException>(() => client.RefreshToken(token.Value));
                }
            }
        }

        [Test]
        public void test_24_unknown_conversation_not_found_404()
        {
            using (var emulator = new Emulator())
            using (var client = ClientFor(emulator.V3))
            using (Conversation conversation = client.OpenConversation(Emulator.Secret, "noSuchConversation00000"))
            {
                var e = Assert.Throws<NotFoundException>(() => conversation.GetActivities(null));
                Assert.AreEqual(404, e.HttpStatus);
                Assert.AreEqual(ErrorCode.NotFound, e.Code);
                Assert.Throws<NotFoundException>(() => conversation.Reconnect(null));
            }
        }

        [Test]
        public void test_64_throttled_429_with_retry_after()
        {
            using (var emulator = new Emulator("--fault", "route=post-activity,status=429,retry_after=2,times=1"))
            using (var client = ClientFor(emulator.V3))
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                var e = Assert.Throws<ThrottledException>(() => conversation.SendMessage("user1", "throttled"));
                Assert.AreEqual(429, e.HttpStatus);
                Assert.AreEqual(2, e.RetryAfter);
                Assert.AreEqual(ErrorCode.Throttled, e.Code);
                StringAssert.StartsWith(conversation.Id, conversation.SendMessage("user1", "again"));
            }
        }

        [Test]
        public void test_30_bot_error_502()
        {
            using (var emulator = new Emulator("--fault", "route=post-activity,status=502,times=1"))
            using (var client = ClientFor(emulator.V3))
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                var e = Assert.Throws<BotException>(() => conversation.SendMessage("user1", "x"));
                Assert.AreEqual(502, e.HttpStatus);
                Assert.AreEqual(ErrorCode.BotError, e.Code);
            }
        }

        [Test]
        public void test_server_error_500()
        {
            using (var emulator = new Emulator("--fault", "route=post-activity,status=500,times=1"))
            using (var client = ClientFor(emulator.V3))
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                var e = Assert.Throws<ServerException>(() => conversation.SendMessage("user1", "x"));
                Assert.AreEqual(500, e.HttpStatus);
            }
        }

        [Test]
        public void test_network_error_when_nothing_listens()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            using (var client = ClientFor("http://127.0.0.1:" + port + "/v3/directline"))
            {
                var e = Assert.Throws<NetworkException>(() => client.GenerateToken(Emulator.Secret));
                Assert.AreEqual(0, e.HttpStatus);
                StringAssert.DoesNotContain(Emulator.Secret, e.Message);
            }
        }

        [Test]
        public void test_invalid_arguments()
        {
            using (var emulator = new Emulator())
            using (var client = ClientFor(emulator.V3))
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                Assert.Throws<InvalidArgumentException>(() => client.GenerateToken(null));
                Assert.Throws<InvalidArgumentException>(() => conversation.SendMessage(null, "x"));
                var e = Assert.Catch<DirectLineException>(() => conversation.PostActivity("this is not json"));
                Assert.IsTrue(e.Code == ErrorCode.InvalidArgument || e.Code == ErrorCode.BadRequest, e.ToString());
                Assert.Throws<InvalidArgumentException>(() => client.ResumeConversation("{\"nope\":1}"));
                Assert.Throws<InvalidArgumentException>(() => new DirectLineClient("not a url"));
            }
        }

        [Test]
        public void test_67_conversation_ended_by_bot()
        {
            using (var emulator = new Emulator("--admin"))
            using (var client = ClientFor(emulator.V3))
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                conversation.SendMessage("user1", "bye");
                Waits.BotMessage(conversation, "echo: bye");
                emulator.Admin("/admin/conversations/" + conversation.Id + "/end", "");
                Activity end = Waits.Until(conversation, a => a.Type == "endOfConversation", 10000);
                Assert.AreEqual("bot", end.FromId);
                Assert.Throws<ConversationEndedException>(() => conversation.NextActivity(5000));
                Assert.IsTrue(conversation.IsEnded);
                // Posting after the bot ended it fails: locally (ended) or from the service (403 NotAllowed).
                var e = Assert.Catch<DirectLineException>(() => conversation.SendMessage("user1", "late"));
                Assert.IsTrue(e is ConversationEndedException || (e is ForbiddenException && e.HttpStatus == 403),
                              e.ToString());
            }
        }
    }
}
