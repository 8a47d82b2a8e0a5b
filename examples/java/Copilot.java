// Copilot.java - a Copilot Studio agent over the directline Java binding, the way
// Web Chat talks to one: fetch a token from the agent's token endpoint, find its
// regional Direct Line endpoint, start with the greeting event, print a streamed
// answer as it grows, and find the sign-in URL of an OAuth card.
//
//   java -cp directline-0.2.0.jar Copilot.java "https://<env>.environment.api.powerplatform.com/powervirtualagents/botsbyschema/<schema>/directline/token?api-version=2022-03-01-preview"
//
// The URL comes from the first argument, else DIRECTLINE_TOKEN_ENDPOINT. Against the
// local emulator it is
//   http://127.0.0.1:PORT/powervirtualagents/botsbyschema/emulator.agent/directline/token?api-version=2022-03-01-preview
// Exit status 0 when the agent greeted and answered.
import dev.directline.Activity;
import dev.directline.Conversation;
import dev.directline.DirectLineClient;
import dev.directline.DirectLineClientOptions;
import dev.directline.DirectLineException;
import dev.directline.ReplyUpdate;
import dev.directline.StartOptions;
import dev.directline.Token;
import java.util.List;
import java.util.stream.Collectors;

public final class Copilot {
  private static final String QUESTION = "What is Direct Line?";
  private static final int WAIT_MS = 30000;

  private Copilot() {}

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : System.getenv("DIRECTLINE_TOKEN_ENDPOINT");
    if (url == null || url.isEmpty()) {
      System.err.println("copilot: pass the agent's token endpoint URL (or set DIRECTLINE_TOKEN_ENDPOINT)");
      System.exit(1);
    }
    try {
      String endpoint;
      Token token;
      try (DirectLineClient bootstrap = new DirectLineClient("global")) {
        // Agents live in one region: the global endpoint would not know the conversation.
        try {
          endpoint = bootstrap.fetchRegionalEndpoint(url);
        } catch (DirectLineException e) {
          System.err.println("copilot: no regional endpoint (" + e.getMessage() + "); using the global one");
          endpoint = "global";
        }
        token = bootstrap.fetchToken(url);
      }
      System.out.println("endpoint " + endpoint);

      DirectLineClientOptions options = DirectLineClientOptions.builder()
          .endpoint(endpoint).streamReplies(true).build();
      StartOptions start = StartOptions.builder().locale("en-US").sendStartEvent(true).build();
      try (DirectLineClient client = new DirectLineClient(options);
           Conversation conversation = client.startConversation(token.getValue(), start)) {
        // The greeting answers the startConversation event; our own echo comes first.
        Activity greeting;
        do {
          greeting = conversation.nextActivity(WAIT_MS);
        } while (greeting != null && (greeting.isOwn() || !"message".equals(greeting.getType())));
        if (greeting == null) {
          System.err.println("copilot: no greeting within " + WAIT_MS / 1000 + " s");
          System.exit(1);
        }
        System.out.println("bot: " + greeting.getText());

        String sent = conversation.sendMessage(conversation.getUserId(), QUESTION);
        System.out.println("you: " + QUESTION);
        // Each chunk holds the whole answer so far: a UI redraws it in place.
        conversation.streamReply(sent, WAIT_MS).forEach(update ->
            System.out.println((update.isFinal() ? "bot: " : "... ") + update.getText()));

        sent = conversation.sendMessage(conversation.getUserId(), "login");
        List<ReplyUpdate> reply = conversation.streamReply(sent, WAIT_MS).collect(Collectors.toList());
        Activity last = reply.get(reply.size() - 1).getActivity();
        System.out.println(last.getSigninUrl() != null ? "sign in at: " + last.getSigninUrl()
                                                       : "bot: " + last.getText());
      }
    } catch (DirectLineException e) {   // never contains the token
      System.err.println("copilot: " + e.getResultName() + ": " + e.getMessage());
      System.exit(1);
    }
  }
}
