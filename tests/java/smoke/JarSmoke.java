// A program run with only the jar on its classpath (java -cp directline.jar:.):
// generate a token, start, send, receive the echo. No -Djava.library.path.
// Usage: java -cp directline-VERSION.jar:classes JarSmoke EMULATOR
import dev.directline.Activity;
import dev.directline.Conversation;
import dev.directline.DirectLineClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public final class JarSmoke {
  public static void main(String[] args) throws Exception {
    String secret = "smoke-secret-0123456789";
    Process emulator = new ProcessBuilder(args[0], "--port", "0", "--secret", secret)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    int status = 1;
    try {
      String line = new BufferedReader(new InputStreamReader(emulator.getInputStream(), StandardCharsets.UTF_8))
          .readLine();
      if (line == null || !line.startsWith("listening on ")) {
        throw new IllegalStateException("emulator did not start: " + line);
      }
      String endpoint = line.substring("listening on ".length()).trim() + "/v3/directline";
      try (DirectLineClient client = new DirectLineClient(endpoint);
           Conversation conversation = client.startConversation(client.generateToken(secret).getValue())) {
        conversation.sendMessage("user1", "from the jar");
        long deadline = System.currentTimeMillis() + 10000;
        while (System.currentTimeMillis() < deadline) {
          Activity activity = conversation.nextActivity(1000);
          if (activity != null && !activity.isOwn() && "echo: from the jar".equals(activity.getText())) {
            System.out.println("jar smoke: OK (library " + DirectLineClient.libraryVersion() + ")");
            status = 0;
            break;
          }
        }
        if (status != 0) {
          System.out.println("jar smoke: no echo within 10 s");
        }
      }
    } catch (Exception e) {
      System.out.println("jar smoke: " + e);
    } finally {
      emulator.destroy();
      emulator.waitFor();
    }
    System.exit(status);
  }
}
