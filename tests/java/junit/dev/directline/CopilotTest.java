package dev.directline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Copilot Studio agents: token endpoint, region, greeting, streamed replies, sign-in cards. */
class CopilotTest extends SharedEmulatorTest {

  private DirectLineClient streamingClient() {
    return new DirectLineClient(DirectLineClientOptions.builder().endpoint(emulator.v3())
        .streamReplies(true).build());
  }

  /** At least 3 chunks with growing cumulative text on one stream, then the final message. */
  static void checkStreamed(List<ReplyUpdate> updates, String text) {
    List<ReplyUpdate> chunks = updates.subList(0, updates.size() - 1);
    ReplyUpdate last = updates.get(updates.size() - 1);
    assertTrue(chunks.size() >= 3, updates.toString());
    for (int i = 0; i < chunks.size(); i++) {
      ReplyUpdate chunk = chunks.get(i);
      assertFalse(chunk.isFinal() || chunk.isInformative());
      assertEquals("typing", chunk.getActivity().getType());
      assertEquals(i + 1, chunk.getActivity().getStreamSequence());
      if (i > 0) {
        String before = chunks.get(i - 1).getText();
        assertTrue(chunk.getText().startsWith(before) && chunk.getText().length() > before.length(),
            updates.toString());
      }
    }
    assertEquals(1, new HashSet<>(updates.stream().map(u -> u.getActivity().getStreamId())
        .collect(Collectors.toList())).size());
    assertTrue(last.isFinal());
    assertEquals("echo: " + text, last.getText());
    assertEquals(last.getText(), chunks.get(chunks.size() - 1).getText());
    assertEquals("message", last.getActivity().getType());
    assertEquals("final", last.getActivity().getStreamType());
    assertEquals(0, last.getActivity().getStreamSequence());
  }

  @Test
  void fetch_token_and_regional_endpoint_start_that_conversation() {
    String url = emulator.agentTokenUrl("emulator.agent");
    String endpoint;
    Token token;
    try (DirectLineClient bootstrap = new DirectLineClient("global")) {
      assertEquals("https://directline.botframework.com/v3/directline", bootstrap.getEndpoint());
      endpoint = bootstrap.fetchRegionalEndpoint(url);
      token = bootstrap.fetchToken(url);
    }
    assertEquals(emulator.v3(), endpoint);
    assertFalse(token.getValue().isEmpty());
    assertTrue(token.getExpiresIn() > 0);
    assertFalse(token.toString().contains(token.getValue()));
    try (DirectLineClient client = new DirectLineClient(endpoint);
         Conversation conversation = client.startConversation(token.getValue())) {
      assertEquals(token.getConversationId(), conversation.getId());
      assertTrue(conversation.isNew());
      assertNull(conversation.getUserId());
    }
  }

  @Test
  void fetch_token_async_and_region_names() throws Exception {
    assertFalse(client.fetchTokenAsync(emulator.agentTokenUrl("emulator.agent")).get(10, TimeUnit.SECONDS)
        .getValue().isEmpty());
    assertEquals(emulator.v3(), client.fetchRegionalEndpointAsync(emulator.agentTokenUrl("emulator.agent"))
        .get(10, TimeUnit.SECONDS));
    try (DirectLineClient europe = new DirectLineClient("europe")) {
      assertEquals("https://europe.directline.botframework.com/v3/directline", europe.getEndpoint());
    }
  }

  @Test
  void token_endpoint_errors_carry_the_http_status() {
    NotFoundException unknown = assertThrows(NotFoundException.class,
        () -> client.fetchToken(emulator.agentTokenUrl("no.such.agent")));
    assertEquals(404, unknown.getHttpStatus());
    assertEquals(ErrorCode.NOT_FOUND, unknown.getCode());
    assertEquals("DL_ENOTFOUND", unknown.getResultName());
    assertTrue(unknown.getMessage().contains("ItemWithIdNotFound"), unknown.getMessage());
    String noVersion = emulator.agentTokenUrl("emulator.agent").split("\\?")[0];
    BadRequestException bad = assertThrows(BadRequestException.class, () -> client.fetchToken(noVersion));
    assertEquals(400, bad.getHttpStatus());
    assertTrue(bad.getMessage().contains("MissingApiVersionParameter"), bad.getMessage());
    InvalidArgumentException invalid = assertThrows(InvalidArgumentException.class,
        () -> client.fetchRegionalEndpoint("not a url"));
    assertEquals("DL_EINVALID", invalid.getResultName());
  }

  @Test
  void greeting_in_french_with_start_options() {
    StartOptions options = StartOptions.builder().userId("dl_ann").userName("Ann").locale("fr-FR")
        .localTimezone("Europe/Paris").sendStartEvent(true).build();
    try (Conversation conversation = client.startConversation(Emulator.SECRET, options)) {
      assertEquals("dl_ann", conversation.getUserId());
      Activity event = Waits.until(conversation, Activity::isOwn, 10000);
      assertEquals("event", event.getType());
      assertTrue(event.getJson().contains("\"startConversation\""), event.getJson());
      assertTrue(event.getJson().contains("\"localTimezone\":\"Europe/Paris\""), event.getJson());
      Activity greeting = Waits.until(conversation, a -> "message".equals(a.getType()) && !a.isOwn(), 10000);
      assertTrue(greeting.getText().startsWith("Bonjour"), greeting.getText());
      assertEquals(event.getId(), greeting.getReplyToId());
    }
    try (Conversation generated = client.startConversation(Emulator.SECRET,
        StartOptions.builder().sendStartEvent(true).build())) {
      assertTrue(generated.getUserId().startsWith("dl_"), generated.getUserId());
      Activity greeting = Waits.until(generated, a -> "message".equals(a.getType()) && !a.isOwn(), 10000);
      assertTrue(greeting.getText().startsWith("Hello"), greeting.getText());
    }
  }

  @Test
  void streamed_reply_grows_and_ends_with_the_final_message() {
    String text = "tell me about streamed replies please";
    try (DirectLineClient streaming = streamingClient();
         Conversation conversation = streaming.startConversation(Emulator.SECRET)) {
      assertNull(conversation.nextActivity(300)); // chunks travel only on the live stream: open it
      String sent = conversation.sendMessage("user1", text);
      List<ReplyUpdate> updates = conversation.streamReply(sent, 10000).collect(Collectors.toList());
      checkStreamed(updates, text);
      for (ReplyUpdate update : updates) {
        assertEquals(sent, update.getActivity().getReplyToId());
      }
      // Our own message arrived meanwhile: set aside, not lost.
      Activity own = conversation.nextActivity(5000);
      assertTrue(own.isOwn());
      assertEquals(sent, own.getId());
      assertTrue(own.getJson().contains("\"deliveryMode\":\"stream\""), own.getJson());
      assertNull(conversation.nextActivity(300));
    }
  }

  @Test
  void stream_reply_async_reports_every_update_then_completes() throws Exception {
    try (DirectLineClient streaming = streamingClient();
         Conversation conversation = streaming.startConversation(Emulator.SECRET)) {
      assertNull(conversation.nextActivity(300));
      String first = conversation.sendMessage("user1", "one two three four");
      String second = conversation.sendMessage("user1", "five six seven");
      List<ReplyUpdate> seen = Collections.synchronizedList(new ArrayList<>());
      Activity reply = conversation.streamReplyAsync(first, 10000, seen::add).get(20, TimeUnit.SECONDS);
      assertEquals("echo: one two three four", reply.getText());
      checkStreamed(seen, "one two three four");
      // The second reply's chunks interleaved with the first's: set aside, then claimed.
      checkStreamed(conversation.streamReply(second, 10000).collect(Collectors.toList()), "five six seven");
      assertEquals(first, conversation.nextActivity(1000).getId());
      assertEquals(second, conversation.nextActivity(1000).getId());
    }
  }

  @Test
  void reply_that_is_not_streamed_is_one_final_update() {
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      String sent = conversation.sendMessage("user1", "plain");
      List<ReplyUpdate> updates = conversation.streamReply(sent, 10000).collect(Collectors.toList());
      assertEquals(1, updates.size());
      assertTrue(updates.get(0).isFinal());
      assertEquals("echo: plain", updates.get(0).getText());
      assertNull(updates.get(0).getActivity().getStreamId());
    }
  }

  @Test
  void polling_sees_only_the_final_message() {
    try (DirectLineClient polling = new DirectLineClient(DirectLineClientOptions.builder()
            .endpoint(emulator.v3()).streamReplies(true).receiveMode(ReceiveMode.POLLING)
            .pollingIntervalMillis(200).build());
         Conversation conversation = polling.startConversation(Emulator.SECRET)) {
      String sent = conversation.sendMessage("user1", "polled words here");
      List<ReplyUpdate> updates = conversation.streamReply(sent, 10000).collect(Collectors.toList());
      assertEquals(1, updates.size());
      assertEquals("echo: polled words here", updates.get(0).getText());
      assertEquals("final", updates.get(0).getActivity().getStreamType());
    }
  }

  @Test
  void stream_reply_times_out_and_checks_its_arguments() {
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      String sent = conversation.sendMessage("user1", "nobody waits for this");
      long start = System.nanoTime();
      RequestTimeoutException e = assertThrows(RequestTimeoutException.class,
          () -> conversation.streamReply("not-a-sent-id", 500).findFirst());
      long elapsedMs = (System.nanoTime() - start) / 1_000_000L;
      assertTrue(elapsedMs >= 400 && elapsedMs < 5000, "waited " + elapsedMs + " ms");
      assertEquals(ErrorCode.TIMEOUT, e.getCode());
      // What arrived meanwhile is still there for its own turn.
      List<ReplyUpdate> updates = conversation.streamReply(sent, 10000).collect(Collectors.toList());
      assertEquals("echo: nobody waits for this", updates.get(updates.size() - 1).getText());
      assertThrows(IllegalArgumentException.class, () -> conversation.streamReply(null, 1000));
      assertThrows(IllegalArgumentException.class, () -> conversation.streamReply(sent, 0));
      String end = conversation.end("user1");
      assertThrows(ConversationEndedException.class, () -> conversation.streamReply(end, 5000).findFirst());
    }
  }

  @Test
  void set_aside_activities_are_bounded_and_never_dropped() throws Exception {
    try (Emulator admin = new Emulator("--admin");
         DirectLineClient local = new DirectLineClient(admin.v3());
         Conversation conversation = local.startConversation(Emulator.SECRET)) {
      assertNull(conversation.nextActivity(300));
      admin.admin("/admin/conversations/" + conversation.getId() + "/activities",
          "{\"count\":1001,\"text\":\"unrelated\"}");
      ProtocolViolationException e = assertThrows(ProtocolViolationException.class,
          () -> conversation.streamReply("not-a-sent-id", 10000).count());
      assertTrue(e.getMessage().contains("1000"), e.getMessage());
      for (int i = 1; i <= 1001; i++) {
        assertEquals("unrelated " + i, conversation.nextActivity(5000).getText());
      }
    }
  }

  /**
   * Web Chat's rules on bot activities made by hand: an informative update, a
   * chunk that belongs by its stream id alone, one that arrives after a newer
   * one (dropped), and a final message with the stream only in channelData.
   */
  @Test
  void informative_stale_and_stream_membership() throws Exception {
    try (Emulator admin = new Emulator("--admin");
         DirectLineClient local = new DirectLineClient(admin.v3());
         Conversation conversation = local.startConversation(Emulator.SECRET)) {
      assertNull(conversation.nextActivity(300));
      String sent = conversation.postActivity("{\"type\":\"event\",\"name\":\"ask\",\"from\":{\"id\":\"u\"}}");
      String path = "/admin/conversations/" + conversation.getId() + "/activities";
      String ids = admin.admin(path, "{\"type\":\"typing\",\"text\":\"Searching...\",\"replyToId\":\"" + sent
          + "\",\"entities\":[{\"type\":\"streaminfo\",\"streamType\":\"informative\",\"streamSequence\":1}]}");
      String first = ids.replaceAll(".*\\[\"([^\"]+)\".*", "$1");
      admin.admin(path, "{\"type\":\"typing\",\"text\":\"The answer\",\"entities\":[{\"type\":\"streaminfo\","
          + "\"streamType\":\"streaming\",\"streamSequence\":3,\"streamId\":\"" + first + "\"}]}");
      admin.admin(path, "{\"type\":\"typing\",\"text\":\"The\",\"entities\":[{\"type\":\"streaminfo\","
          + "\"streamType\":\"streaming\",\"streamSequence\":2,\"streamId\":\"" + first + "\"}]}");
      admin.admin(path, "{\"type\":\"message\",\"text\":\"The answer is 42\","
          + "\"channelData\":{\"streamType\":\"final\",\"streamId\":\"" + first + "\"}}");
      List<ReplyUpdate> updates = conversation.streamReply(sent, 10000).collect(Collectors.toList());
      assertEquals(List.of("Searching...", "The answer", "The answer is 42"),
          updates.stream().map(ReplyUpdate::getText).collect(Collectors.toList()));
      assertEquals(List.of(true, false, false),
          updates.stream().map(ReplyUpdate::isInformative).collect(Collectors.toList()));
      assertTrue(updates.get(2).isFinal());
      for (ReplyUpdate update : updates) {
        assertEquals(first, update.getActivity().getStreamId());
      }
      assertEquals(sent, conversation.nextActivity(2000).getId());
      assertNull(conversation.nextActivity(300), "the stale chunk is dropped");
    }
  }

  @Test
  void sign_in_card_gives_its_url() throws Exception {
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      String sent = conversation.sendMessage("user1", "login");
      Activity card = conversation.streamReplyAsync(sent, 10000, null).get(20, TimeUnit.SECONDS);
      String url = card.getSigninUrl();
      assertNotNull(url);
      assertTrue(url.startsWith(emulator.baseUrl + "/signin?"), url);
      HttpURLConnection page = (HttpURLConnection) new URL(url).openConnection();
      try (InputStream ignored = page.getInputStream()) {
        assertEquals(200, page.getResponseCode());
      }
      String plain = conversation.sendMessage("user1", "no card");
      assertNull(conversation.streamReplyAsync(plain, 10000, null).get(20, TimeUnit.SECONDS).getSigninUrl());
    }
  }

  @Test
  void client_options_reach_the_library() {
    try (DirectLineClient tuned = new DirectLineClient(DirectLineClientOptions.builder().endpoint(emulator.v3())
            .maxResponseBytes(1 << 20).reconnectBaseDelayMillis(100).reconnectMaxDelayMillis(2000)
            .receiveQueueLimit(50).build());
         Conversation conversation = tuned.startConversation(Emulator.SECRET)) {
      assertNotNull(conversation.getId());
    }
    // The library checks the pair, so both values got there.
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> new DirectLineClient(DirectLineClientOptions.builder().endpoint(emulator.v3())
            .reconnectBaseDelayMillis(5000).reconnectMaxDelayMillis(1000).build()));
    assertTrue(e.getMessage().contains("reconnect_max_delay_ms"), e.getMessage());
  }
}
