package dev.directline;

import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Owns one native handle (a SWIG proxy) for a public object.
 *
 * Calls borrow the handle with a use count; close() first interrupts
 * (e.g. wakes a thread blocked in nextActivity) and the handle is freed
 * exactly once, by whichever of close() or the last running call finishes
 * last. If the owner is never closed, a Cleaner frees the handle once this
 * object is unreachable (it never runs while a call is in progress).
 */
final class NativeRef<T> {
  private static final Cleaner CLEANER = Cleaner.create();

  private final State<T> state;
  private final Cleaner.Cleanable cleanable;

  NativeRef(String what, T handle, Consumer<T> free, Consumer<T> interrupt) {
    this.state = new State<>(what, handle, free, interrupt);
    this.cleanable = CLEANER.register(this, state);
  }

  <R> R call(Function<T, R> body) {
    T handle = state.acquire();
    try {
      return body.apply(handle);
    } finally {
      state.release();
      Reference.reachabilityFence(this);
    }
  }

  void run(Consumer<T> body) {
    call(handle -> {
      body.accept(handle);
      return null;
    });
  }

  boolean isClosed() {
    return state.isClosed();
  }

  /** Idempotent; safe from any thread, also while other threads are in call(). */
  void close() {
    cleanable.clean();
  }

  /** Holds no reference to the NativeRef or its owner (a Cleaner action must not). */
  private static final class State<T> implements Runnable {
    private final String what;
    private final Consumer<T> free;
    private final Consumer<T> interrupt;
    private T handle;
    private int users;
    private boolean closed;

    State(String what, T handle, Consumer<T> free, Consumer<T> interrupt) {
      this.what = what;
      this.handle = handle;
      this.free = free;
      this.interrupt = interrupt;
    }

    synchronized boolean isClosed() {
      return closed;
    }

    synchronized T acquire() {
      if (closed) {
        throw new IllegalStateException(what + " is closed");
      }
      users++;
      return handle;
    }

    void release() {
      T toFree = null;
      synchronized (this) {
        users--;
        if (closed && users == 0 && handle != null) {
          toFree = handle;
          handle = null;
        }
      }
      if (toFree != null) {
        free.accept(toFree);
      }
    }

    @Override
    public void run() {
      T current;
      synchronized (this) {
        if (closed || handle == null) {
          closed = true;
          return;
        }
        closed = true;
        current = handle;
        users++; // keeps the handle alive while interrupting outside the lock
      }
      try {
        if (interrupt != null) {
          interrupt.accept(current);
        }
      } finally {
        release();
      }
    }
  }
}
