package dev.directline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Closing, threads, and no leak over many conversations. */
class LifecycleTest extends SharedEmulatorTest {
  @Test
  void test_close_twice_is_harmless() {
    Conversation conversation = client.startConversation(Emulator.SECRET);
    conversation.close();
    conversation.close();
    assertTrue(conversation.isClosed());
    assertThrows(IllegalStateException.class, conversation::getId);
    assertEquals("Conversation{closed}", conversation.toString());

    DirectLineClient other = new DirectLineClient(emulator.v3());
    other.close();
    other.close();
    assertThrows(IllegalStateException.class, () -> other.generateToken(Emulator.SECRET));
  }

  @Test
  void test_conversation_outlives_its_client() {
    DirectLineClient shortLived = new DirectLineClient(emulator.v3());
    try (Conversation conversation = shortLived.startConversation(Emulator.SECRET)) {
      shortLived.close();
      conversation.sendMessage("user1", "still here");
      Waits.botMessage(conversation, "echo: still here");
    }
  }

  @Test
  void test_close_wakes_a_waiting_thread() throws Exception {
    Conversation conversation = client.startConversation(Emulator.SECRET);
    CountDownLatch waiting = new CountDownLatch(1);
    CompletableFuture<Activity> waiter = CompletableFuture.supplyAsync(() -> {
      waiting.countDown();
      return conversation.nextActivity(-1);
    });
    waiting.await();
    Thread.sleep(200); // let it block inside the native wait
    long start = System.nanoTime();
    conversation.close();
    ExecutionException e = assertThrows(ExecutionException.class, () -> waiter.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof CancelledException || e.getCause() instanceof IllegalStateException,
        String.valueOf(e.getCause()));
    assertTrue(System.nanoTime() - start < 5_000_000_000L, "woken promptly");
  }

  @Test
  void test_parallel_threads_share_a_client() throws Exception {
    int threads = 8;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    AtomicInteger echoes = new AtomicInteger();
    for (int t = 0; t < threads; t++) {
      String text = "thread " + t;
      runs.add(CompletableFuture.runAsync(() -> {
        Token token = client.generateToken(Emulator.SECRET);
        try (Conversation conversation = client.startConversation(token.getValue())) {
          for (int i = 0; i < 3; i++) {
            conversation.sendMessage("user1", text + " #" + i);
            Waits.botMessage(conversation, "echo: " + text + " #" + i);
            echoes.incrementAndGet();
          }
        }
      }, pool));
    }
    try {
      CompletableFuture.allOf(runs.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(threads * 3, echoes.get());
  }

  @Test
  void test_one_conversation_used_by_several_threads() throws Exception {
    try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
      int senders = 4;
      int each = 5;
      List<CompletableFuture<Void>> runs = new ArrayList<>();
      for (int t = 0; t < senders; t++) {
        int sender = t;
        runs.add(CompletableFuture.runAsync(() -> {
          for (int i = 0; i < each; i++) {
            conversation.sendMessage("user1", "s" + sender + "-" + i);
          }
        }));
      }
      CompletableFuture.allOf(runs.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
      int bot = 0;
      java.util.Set<String> ids = new java.util.HashSet<>();
      while (bot < senders * each) {
        Activity a = conversation.nextActivity(10000);
        assertTrue(a != null, "missing echoes: got " + bot);
        assertTrue(ids.add(a.getId()), "delivered twice: " + a.getId());
        if ("message".equals(a.getType()) && !a.isOwn()) {
          bot++;
        }
      }
    }
  }

  /** RSS of this process in KiB (Linux). */
  private static long rssKiB() throws Exception {
    for (String line : java.nio.file.Files.readAllLines(java.nio.file.Paths.get("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }

  @Test
  void test_unclosed_conversations_are_freed_by_the_cleaner() throws Exception {
    long before = 0;
    for (int i = 0; i < 3000; i++) {
      if (i == 500) {
        System.gc();
        Thread.sleep(100);
        before = rssKiB();
      }
      if (i % 250 == 0) {
        System.gc(); // lets the Cleaner free what was dropped so far
      }
      client.startConversation(Emulator.SECRET).getId(); // dropped without close()
    }
    System.gc();
    Thread.sleep(200);
    long growthKiB = rssKiB() - before;
    System.out.println("cleaner check: 2500 dropped conversations, RSS growth " + growthKiB + " KiB");
    // Holding 2,500 conversations costs ~9.5 MiB (measured): a Cleaner that frees nothing shows.
    assertTrue(growthKiB < 4 * 1024, "RSS grew by " + growthKiB + " KiB");
  }

  @Test
  void test_no_leak_over_10000_conversations() throws Exception {
    int total = Integer.getInteger("directline.leak.conversations", 10000);
    int warmup = total / 5;
    long afterWarmup = 0;
    for (int i = 0; i < total; i++) {
      if (i == warmup) {
        System.gc();
        afterWarmup = rssKiB();
      }
      try (Conversation conversation = client.startConversation(Emulator.SECRET)) {
        conversation.getId();
      }
    }
    System.gc();
    long growthKiB = rssKiB() - afterWarmup;
    System.out.println("leak check: " + (total - warmup) + " conversations, RSS growth " + growthKiB + " KiB");
    // A conversation costs ~3.8 KiB native (measured), 30 MiB over 8,000: a leaked handle shows.
    assertTrue(growthKiB < 6 * 1024, "RSS grew by " + growthKiB + " KiB");
  }
}
