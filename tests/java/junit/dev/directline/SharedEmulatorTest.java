package dev.directline;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * Base of the test classes whose tests share one emulator process and one
 * 3.0 client for the whole class (started before the first test, closed after
 * the last). One instance per class keeps each subclass's fixture its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SharedEmulatorTest {
  protected Emulator emulator;
  protected DirectLineClient client;

  @BeforeAll
  void startEmulatorAndClient() throws Exception {
    emulator = new Emulator();
    client = new DirectLineClient(emulator.v3());
  }

  @AfterAll
  void closeClientAndEmulator() {
    if (client != null) {
      client.close();
    }
    if (emulator != null) {
      emulator.close();
    }
  }
}
