package dev.directline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Each error kind surfaces as its own exception type, with the details. */
class ErrorsTest {

  private static DirectLineClient clientFor(String endpoint) {
    return new DirectLineClient(DirectLineClientOptions.builder().endpoint(endpoint)
        .disableAutoRefresh(true).retryMaxAttempts(1).build());
  }

  @Test
  void test_01_unauthorized_401() throws Exception {
    try (Emulator emulator = new Emulator("--fault", "route=generate,status=401,times=1");
         DirectLineClient client = clientFor(emulator.v3())) {
      UnauthorizedException e = assertThrows(UnauthorizedException.class,
          () -> client.generateToken(Emulator.SECRET));
      assertEquals(401, e.getHttpStatus());
      assertEquals(ErrorCode.UNAUTHORIZED, e.getCode());
      assertEquals("InjectedFault", e.getServiceCode());
      assertFalse(e.getMessage().contains(Emulator.SECRET));
    }
  }

  @Test
  void test_03_unknown_secret_forbidden_403() throws Exception {
    try (Emulator emulator = new Emulator(); DirectLineClient client = clientFor(emulator.v3())) {
      String wrong = "wrong-secret-not-to-be-logged";
      ForbiddenException e = assertThrows(ForbiddenException.class, () -> client.generateToken(wrong));
      assertEquals(403, e.getHttpStatus());
      assertEquals(ErrorCode.FORBIDDEN, e.getCode());
      assertFalse(e.getMessage().contains(wrong), "no secret in messages");
      assertFalse(e instanceof TokenExpiredException);
    }
  }

  @Test
  void test_10_token_expired_403() throws Exception {
    try (Emulator emulator = new Emulator("--admin"); DirectLineClient client = clientFor(emulator.v3())) {
      Token token = client.generateToken(Emulator.SECRET);
      try (Conversation conversation = client.startConversation(token.getValue())) {
        emulator.admin("/admin/clock", "{\"advance_seconds\":3600}");
        TokenExpiredException e = assertThrows(TokenExpiredException.class,
            () -> conversation.sendMessage("user1", "too late"));
        assertEquals(403, e.getHttpStatus());
        assertEquals("TokenExpired", e.getServiceCode());
        assertEquals(ErrorCode.TOKEN_EXPIRED, e.getCode());
        assertTrue(e instanceof ForbiddenException, "a kind of 403");
        assertFalse(e.getMessage().contains(token.getValue()), "no token in messages");
        // 11: refreshing an expired token fails the same way.
        assertThrows(TokenExpiredException.class, () -> client.refreshToken(token.getValue()));
      }
    }
  }

  @Test
  void test_24_unknown_conversation_not_found_404() throws Exception {
    try (Emulator emulator = new Emulator(); DirectLineClient client = clientFor(emulator.v3());
         Conversation conversation = client.openConversation(Emulator.SECRET, "noSuchConversation00000", null)) {
      NotFoundException e = assertThrows(NotFoundException.class, () -> conversation.getActivities(null));
      assertEquals(404, e.getHttpStatus());
      assertEquals(ErrorCode.NOT_FOUND, e.getCode());
      assertThrows(NotFoundException.class, () -> conversation.reconnect(null));
    }
  }

  @Test
  void test_64_throttled_429_with_retry_after() throws Exception {
    try (Emulator emulator = new Emulator("--fault", "route=post-activity,status=429,retry_after=2,times=1");
         DirectLineClient client = clientFor(emulator.v3());
         Conversation conversation = client.startConversation(Emulator.SECRET)) {
      ThrottledException e = assertThrows(ThrottledException.class,
          () -> conversation.sendMessage("user1", "throttled"));
      assertEquals(429, e.getHttpStatus());
      assertEquals(2, e.getRetryAfter());
      assertEquals(ErrorCode.THROTTLED, e.getCode());
      // times=1: the next post goes through.
      assertTrue(conversation.sendMessage("user1", "again").startsWith(conversation.getId()));
    }
  }

  @Test
  void test_30_bot_error_502() throws Exception {
    try (Emulator emulator = new Emulator("--fault", "route=post-activity,status=502,times=1");
         DirectLineClient client = clientFor(emulator.v3());
         Conversation conversation = client.startConversation(Emulator.SECRET)) {
      BotException e = assertThrows(BotException.class, () -> conversation.sendMessage("user1", "x"));
      assertEquals(502, e.getHttpStatus());
      assertEquals(ErrorCode.BOT_ERROR, e.getCode());
    }
  }

  @Test
  void test_server_error_500() throws Exception {
    try (Emulator emulator = new Emulator("--fault", "route=post-activity,status=500,times=1");
         DirectLineClient client = clientFor(emulator.v3());
         Conversation conversation = client.startConversation(Emulator.SECRET)) {
      ServerException e = assertThrows(ServerException.class, () -> conversation.sendMessage("user1", "x"));
      assertEquals(500, e.getHttpStatus());
    }
  }

  @Test
  void test_network_error_when_nothing_listens() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    try (DirectLineClient client = clientFor("http://127.0.0.1:" + port + "/v3/directline")) {
      NetworkException e = assertThrows(NetworkException.class, () -> client.generateToken(Emulator.SECRET));
      assertEquals(0, e.getHttpStatus());
      assertFalse(e.getMessage().contains(Emulator.SECRET));
    }
  }

  @Test
  void test_invalid_arguments() throws Exception {
    try (Emulator emulator = new Emulator(); DirectLineClient client = clientFor(emulator.v3());
         Conversation conversation = client.startConversation(Emulator.SECRET)) {
      assertThrows(InvalidArgumentException.class, () -> client.generateToken(null));
      assertThrows(InvalidArgumentException.class, () -> conversation.sendMessage(null, "x"));
      DirectLineException e = assertThrows(DirectLineException.class,
          () -> conversation.postActivity("this is not json"));
      assertTrue(e.getCode() == ErrorCode.INVALID_ARGUMENT || e.getCode() == ErrorCode.BAD_REQUEST, e.toString());
      assertThrows(InvalidArgumentException.class, () -> client.resumeConversation("{\"nope\":1}"));
      assertThrows(InvalidArgumentException.class, () -> new DirectLineClient("not a url"));
    }
  }

  @Test
  void test_67_conversation_ended_by_bot() throws Exception {
    try (Emulator emulator = new Emulator("--admin"); DirectLineClient client = clientFor(emulator.v3());
         Conversation conversation = client.startConversation(Emulator.SECRET)) {
      conversation.sendMessage("user1", "bye");
      Waits.botMessage(conversation, "echo: bye");
      emulator.admin("/admin/conversations/" + conversation.getId() + "/end", "");
      Activity end = Waits.until(conversation, a -> "endOfConversation".equals(a.getType()), 10000);
      assertEquals("bot", end.getFromId());
      assertThrows(ConversationEndedException.class, () -> conversation.nextActivity(5000));
      assertTrue(conversation.isEnded());
      // Posting after the bot ended it fails: locally (ended) or from the service (403 NotAllowed).
      DirectLineException e = assertThrows(DirectLineException.class,
          () -> conversation.sendMessage("user1", "late"));
      assertTrue(e instanceof ConversationEndedException
          || (e instanceof ForbiddenException && e.getHttpStatus() == 403), e.toString());
    }
  }
}
