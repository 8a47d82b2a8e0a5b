package dev.directline;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs blocking calls for the *Async methods on daemon threads of their own:
 * the calls wait on the network, so they stay off the common ForkJoinPool.
 */
final class Async {
  private static final AtomicInteger COUNTER = new AtomicInteger();
  private static final ThreadFactory FACTORY = runnable -> {
    Thread thread = new Thread(runnable, "directline-async-" + COUNTER.incrementAndGet());
    thread.setDaemon(true);
    return thread;
  };
  private static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(FACTORY);

  private Async() {}

  static <T> CompletableFuture<T> supply(Supplier<T> call) {
    CompletableFuture<T> future = new CompletableFuture<>();
    EXECUTOR.execute(() -> {
      try {
        future.complete(call.get());
      } catch (Throwable t) {
        future.completeExceptionally(t instanceof CompletionException ? t.getCause() : t);
      }
    });
    return future;
  }

  static CompletableFuture<Void> run(Runnable call) {
    return supply(() -> {
      call.run();
      return null;
    });
  }
}
