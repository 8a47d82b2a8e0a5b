// Java side of bench/swig: the same calls as bench_c.c through the Java binding.
// Usage: java -cp directline-VERSION.jar:. Bench ENDPOINT SECRET TOKEN_CALLS GETTER_CALLS
import dev.directline.Conversation;
import dev.directline.DirectLineClient;

public final class Bench {
  public static void main(String[] args) {
    String endpoint = args[0];
    String secret = args[1];
    int tokenCalls = Integer.parseInt(args[2]);
    int getterCalls = Integer.parseInt(args[3]);
    long sink = 0;
    try (DirectLineClient client = new DirectLineClient(endpoint)) {
      for (int i = 0; i < tokenCalls / 10 + 1; i++) { // warm-up: JIT, connections
        sink += client.generateToken(secret).getValue().length();
      }
      long start = System.nanoTime();
      for (int i = 0; i < tokenCalls; i++) {
        sink += client.generateToken(secret).getValue().length();
      }
      System.out.printf("generate_token_us %.2f%n", (System.nanoTime() - start) / 1e3 / tokenCalls);
      try (Conversation conversation = client.startConversation(secret)) {
        for (int i = 0; i < getterCalls / 10; i++) {
          sink += conversation.getId().length();
        }
        start = System.nanoTime();
        for (int i = 0; i < getterCalls; i++) {
          sink += conversation.getId().length();
        }
        System.out.printf("getter_ns %.2f%n", (System.nanoTime() - start) / (double) getterCalls);
      }
    }
    if (sink == 0) {
      System.exit(3);
    }
  }
}
