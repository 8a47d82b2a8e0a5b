package dev.directline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The behaviour test every binding runs against the emulator. */
class BehaviourTest extends SharedEmulatorTest {
  @Test
  void test_04_generate_token() {
    Token token = client.generateToken(Emulator.SECRET);
    assertFalse(token.getValue().isEmpty());
    assertNotNull(token.getConversationId());
    assertEquals(1800, token.getExpiresIn());
    assertFalse(token.toString().contains(token.getValue()), "toString must not show the token");
  }

  @Test
  void test_05_generate_token_with_user() {
    Token token = client.generateToken(Emulator.SECRET, "dl_abc", "Ann", Arrays.asList("https://a.example"));
    try (Conversation conversation = client.startConversation(token.getValue())) {
      // The token forces from.id: the echo of a message sent as "other" comes from dl_abc.
      conversation.sendMessage("other", "who am i");
      Activity own = Waits.until(conversation, Activity::isOwn, 10000);
      assertEquals("dl_abc", own.getFromId());
    }
  }

  @Test
  void test_18_19_27_start_send_receive_refresh_reconnect_end() {
    Token token = client.generateToken(Emulator.SECRET);
    try (Conversation first = client.startConversation(token.getValue());
         Conversation again = client.startConversation(token.getValue())) {
      assertTrue(first.isNew(), "201 the first time");
      assertFalse(again.isNew(), "200 when started again with the same token");
      assertEquals(token.getConversationId(), first.getId());
      assertEquals(first.getId(), again.getId());
      assertNotNull(first.getStreamUrl());
      assertTrue(first.getExpiresIn() > 0);

      // 27, 51: the POST returns an id, and the echo on the stream carries it.
      String id = first.sendMessage("user1", "hello");
      assertTrue(id.startsWith(first.getId() + "|"), id);
      Activity own = Waits.until(first, Activity::isOwn, 10000);
      assertEquals(id, own.getId());
      assertEquals("hello", own.getText());
      Activity echo = Waits.botMessage(first, "echo: hello");
      assertEquals("bot", echo.getFromId());
      assertTrue(echo.getJson().contains("\"replyToId\""), echo.getJson());
      assertNotNull(first.getWatermark());

      // 8, 9: refresh gives a different token for the same conversation, which works.
      String before = first.getToken();
      first.refreshToken();
      assertNotEquals(before, first.getToken());
      Token refreshed = client.refreshToken(first.getToken());
      assertEquals(first.getId(), refreshed.getConversationId());
      first.setToken(refreshed.getValue());

      // 23, 54: reconnect gives a new stream URL and nothing is lost or repeated.
      String oldStream = first.getStreamUrl();
      first.reconnect(first.getWatermark());
      assertNotEquals(oldStream, first.getStreamUrl());
      first.sendMessage("user1", "after reconnect");
      Waits.botMessage(first, "echo: after reconnect");

      // 37: GET activities sees both exchanges in order.
      String set = first.getActivities(null);
      assertTrue(set.indexOf("\"hello\"") < set.indexOf("echo: hello"), set);
      assertTrue(set.contains("after reconnect"));

      // 66: end posts endOfConversation.
      String endId = first.end("user1");
      assertNotNull(endId);
      assertTrue(first.isEnded());
    }
  }

  @Test
  void test_16_start_with_secret_export_and_resume() {
    String state;
    String conversationId;
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      assertTrue(conversation.isNew());
      conversationId = conversation.getId();
      conversation.sendMessage("user1", "one");
      Waits.botMessage(conversation, "echo: one");
      state = conversation.exportState();
      assertFalse(state.contains(Emulator.SECRET), "a secret is never exported");
      assertTrue(state.contains(conversationId));
    }
    try (Conversation resumed = client.resumeConversation(state)) {
      assertEquals(conversationId, resumed.getId());
      resumed.sendMessage("user1", "two");
      // Only what came after the exported watermark: "one" is not replayed.
      Activity next = Waits.until(resumed, a -> "message".equals(a.getType()), 10000);
      assertEquals("two", next.getText());
      Waits.botMessage(resumed, "echo: two");
    }
  }

  @Test
  void test_14_open_existing_conversation_with_secret() {
    try (Conversation started = client.startConversation(Emulator.SECRET)) {
      started.sendMessage("user1", "first");
      Waits.botMessage(started, "echo: first");
      String watermark = started.getWatermark();
      try (Conversation opened = client.openConversation(Emulator.SECRET, started.getId(), watermark)) {
        assertFalse(opened.isNew());
        started.sendMessage("user1", "second");
        // Only what came after the watermark, including the other handle's message.
        Activity next = Waits.until(opened, a -> "message".equals(a.getType()), 10000);
        assertEquals("second", next.getText());
        assertFalse(next.isOwn(), "posted through another handle");
        Waits.botMessage(opened, "echo: second");
      }
    }
  }

  @Test
  void test_58_upload_one_file() {
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      byte[] png = "not really a png".getBytes(StandardCharsets.UTF_8);
      String id = conversation.upload("user1", new UploadFile("a.png", "image/png", png));
      assertNotNull(id);
      Activity own = Waits.until(conversation, a -> id.equals(a.getId()), 10000);
      assertTrue(own.getJson().contains("a.png"), own.getJson());
      assertTrue(own.getJson().contains("image/png"), own.getJson());
    }
  }

  @Test
  void test_59_upload_two_files_with_activity() {
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      String id = conversation.upload("user1", Arrays.asList(
              new UploadFile("a.txt", "text/plain", "A".getBytes(StandardCharsets.UTF_8)),
              new UploadFile("b.bin", null, new byte[] {0, 1, 2, (byte) 255})),
          "{\"type\":\"message\",\"from\":{\"id\":\"user1\"},\"text\":\"two files\"}");
      Activity own = Waits.until(conversation, a -> id.equals(a.getId()), 10000);
      assertEquals("two files", own.getText());
      assertTrue(own.getJson().contains("a.txt") && own.getJson().contains("b.bin"), own.getJson());
    }
  }

  @Test
  void test_27_post_activity_json() {
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      String id = conversation.postActivity(
          "{\"type\":\"message\",\"from\":{\"id\":\"u1\"},\"text\":\"hi\",\"channelData\":{\"k\":[1,2]}}");
      assertTrue(id.startsWith(conversation.getId()));
      Waits.botMessage(conversation, "echo: hi");
    }
  }

  @Test
  void test_69_non_ascii_text_round_trips() {
    String text = "h\u00e9llo \uD83D\uDC4B \u4e16\u754c"; // é, a waving hand (outside the BMP), CJK
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      conversation.sendMessage("user1", text);
      Activity own = Waits.until(conversation, Activity::isOwn, 10000);
      assertEquals(text, own.getText());
      Waits.botMessage(conversation, "echo: " + text);
    }
  }

  @Test
  void test_75_77_79_80_direct_line_1_1() {
    DirectLineClientOptions options = DirectLineClientOptions.builder()
        .endpoint(emulator.v1()).apiVersion(ApiVersion.V1_1).pollingIntervalMillis(100).build();
    try (DirectLineClient v1 = new DirectLineClient(options)) {
      Token token = v1.generateToken(Emulator.SECRET);
      assertFalse(token.getValue().isEmpty());
      try (Conversation conversation = v1.startConversation(Emulator.SECRET)) {
        assertNull(conversation.getStreamUrl(), "1.1 has no stream");
        assertNull(conversation.sendMessage("user1", "old protocol"), "1.1 POST returns 204, no id");
        Waits.botMessage(conversation, "echo: old protocol");
        Token renewed = v1.refreshToken(conversation.getToken(), conversation.getId());
        assertNotEquals(conversation.getToken(), renewed.getValue());
      }
    }
  }

  @Test
  void test_polling_mode_receives_in_order() {
    DirectLineClientOptions options = DirectLineClientOptions.builder()
        .endpoint(emulator.v3()).receiveMode(ReceiveMode.POLLING).pollingIntervalMillis(100).build();
    try (DirectLineClient polling = new DirectLineClient(options);
         Conversation conversation = polling.startConversation(Emulator.SECRET)) {
      for (int i = 1; i <= 3; i++) {
        conversation.sendMessage("user1", "m" + i);
      }
      for (int i = 1; i <= 3; i++) {
        Waits.botMessage(conversation, "echo: m" + i);
      }
    }
  }

  @Test
  void test_async_variants() throws Exception {
    Token token = client.generateTokenAsync(Emulator.SECRET).get();
    try (Conversation conversation = client.startConversationAsync(token.getValue()).get()) {
      String id = conversation.sendMessageAsync("user1", "async").get();
      assertNotNull(id);
      Activity echo = null;
      while (echo == null || echo.isOwn() || !"message".equals(echo.getType())) {
        echo = conversation.nextActivityAsync(10000).get();
        assertNotNull(echo, "no activity within 10 s");
      }
      assertEquals("echo: async", echo.getText());
    }
  }

  @Test
  void test_next_activity_times_out_with_null() {
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      long start = System.nanoTime();
      assertNull(conversation.nextActivity(200));
      assertTrue(System.nanoTime() - start >= 150_000_000L, "waited about the timeout");
    }
  }

  @Test
  void test_library_version_and_endpoint() {
    assertEquals("0.2.0", DirectLineClient.libraryVersion());
    assertTrue(client.getEndpoint().startsWith("http://127.0.0.1:"));
  }
}
