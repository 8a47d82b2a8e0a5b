// Hello.java - the directline Java binding in one page: token from a secret,
// start, send "hello", print the bot's reply, then show how a failure looks
// (a wrong secret). The jar carries its native libraries: no -Djava.library.path.
//
//   <dependency><groupId>dev.directline</groupId><artifactId>directline</artifactId>
//     <version>0.2.0</version></dependency>      (or: javac -cp directline-0.2.0.jar Hello.java)
//   DIRECTLINE_SECRET=... DIRECTLINE_ENDPOINT=http://127.0.0.1:PORT/v3/directline java Hello
//
// DIRECTLINE_ENDPOINT defaults to the public service. Exit status 0 when the bot replied.
import dev.directline.Activity;
import dev.directline.Conversation;
import dev.directline.DirectLineClient;
import dev.directline.DirectLineException;
import dev.directline.Token;

public final class Hello {
  private Hello() {}

  public static void main(String[] args) {
    String secret = System.getenv("DIRECTLINE_SECRET");
    String endpoint = System.getenv("DIRECTLINE_ENDPOINT");   // null: the public service
    if (secret == null || secret.isEmpty()) {
      System.err.println("hello: set DIRECTLINE_SECRET");
      System.exit(1);
    }
    System.out.println("directline " + DirectLineClient.libraryVersion());

    try (DirectLineClient client = new DirectLineClient(endpoint)) {
      // A token is what a browser or device should hold; the secret stays here.
      Token token = client.generateToken(secret);
      try (Conversation conversation = client.startConversation(token.getValue())) {
        System.out.println("conversation " + conversation.getId());
        conversation.sendMessage("user1", "hello");
        // Our own message comes back too (and "typing"): wait for the bot's answer.
        Activity reply = null;
        for (int waited = 0; waited < 15 && reply == null; waited++) {
          Activity activity = conversation.nextActivity(1000);   // null: nothing within 1 s
          if (activity != null && !activity.isOwn() && "message".equals(activity.getType())
              && activity.getText() != null) {
            reply = activity;
          }
        }
        if (reply == null) {
          System.err.println("hello: no reply within 15 s");
          System.exit(1);
        }
        System.out.println("bot: " + reply.getText());
      }
    } catch (DirectLineException e) {   // the message never contains a secret or token
      System.err.println("hello: " + e.getCode() + ": " + e.getMessage());
      System.exit(1);
    }

    // Errors are DirectLineException subclasses with the code and the HTTP status.
    try (DirectLineClient client = new DirectLineClient(endpoint)) {
      client.generateToken("not-the-secret");
      System.err.println("hello: a wrong secret was accepted");
      System.exit(1);
    } catch (DirectLineException e) {
      System.out.println("wrong secret rejected: " + e.getCode() + " (HTTP " + e.getHttpStatus() + ")");
    }
  }
}
