package dev.directline;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Predicate;

/** Receiving helpers shared by the tests. */
final class Waits {
  private Waits() {}

  /** The next activity matching, skipping others; fails after timeoutMs. */
  static Activity until(Conversation conversation, Predicate<Activity> wanted, int timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        fail("no matching activity within " + timeoutMs + " ms");
      }
      Activity activity = conversation.nextActivity((int) left);
      if (activity != null && wanted.test(activity)) {
        return activity;
      }
    }
  }

  static Activity botMessage(Conversation conversation, String text) {
    return until(conversation, a -> "message".equals(a.getType()) && !a.isOwn()
        && text.equals(a.getText()), 10000);
  }
}
