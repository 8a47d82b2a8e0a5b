// Copilot.cs - a Copilot Studio agent over the directline C# binding, the way Web
// Chat talks to one: fetch a token from the agent's token endpoint, find its
// regional Direct Line endpoint, start with the greeting event, print a streamed
// answer as it grows, and find the sign-in URL of an OAuth card.
//
//   mcs -r:packages/DirectLine.0.2.0/lib/netstandard2.0/DirectLine.dll Copilot.cs
//   mono Copilot.exe "https://<env>.environment.api.powerplatform.com/powervirtualagents/botsbyschema/<schema>/directline/token?api-version=2022-03-01-preview"
//
// The URL comes from the first argument, else DIRECTLINE_TOKEN_ENDPOINT. Against the
// local emulator it is
//   http://127.0.0.1:PORT/powervirtualagents/botsbyschema/emulator.agent/directline/token?api-version=2022-03-01-preview
// Exit status 0 when the agent greeted and answered.
using System;
using System.Linq;
using DirectLine;

static class Copilot
{
    const string Question = "What is Direct Line?";
    const int WaitMs = 30000;

    static int Main(string[] args)
    {
        string url = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("DIRECTLINE_TOKEN_ENDPOINT");
        if (string.IsNullOrEmpty(url))
        {
            Console.Error.WriteLine("copilot: pass the agent's token endpoint URL (or set DIRECTLINE_TOKEN_ENDPOINT)");
            return 1;
        }
        try
        {
            string endpoint;
            Token token;
            using (var bootstrap = new DirectLineClient("global"))
            {
                // Agents live in one region: the global endpoint would not know the conversation.
                try
                {
                    endpoint = bootstrap.FetchRegionalEndpoint(url);
                }
                catch (DirectLineException e)
                {
                    Console.Error.WriteLine("copilot: no regional endpoint (" + e.Message + "); using the global one");
                    endpoint = "global";
                }
                token = bootstrap.FetchToken(url);
            }
            Console.WriteLine("endpoint " + endpoint);

            var options = new DirectLineClientOptions { Endpoint = endpoint, StreamReplies = true };
            var start = new StartOptions { Locale = "en-US", SendStartEvent = true };
            using (var client = new DirectLineClient(options))
            using (Conversation conversation = client.StartConversation(token.Value, start))
            {
                // The greeting answers the startConversation event; our own echo comes first.
                Activity greeting;
                do
                {
                    greeting = conversation.NextActivity(WaitMs);
                } while (greeting != null && (greeting.IsOwn || greeting.Type != "message"));
                if (greeting == null)
                {
                    Console.Error.WriteLine("copilot: no greeting within " + WaitMs / 1000 + " s");
                    return 1;
                }
                Console.WriteLine("bot: " + greeting.Text);

                string sent = conversation.SendMessage(conversation.UserId, Question);
                Console.WriteLine("you: " + Question);
                // Each chunk holds the whole answer so far: a UI redraws it in place.
                foreach (ReplyUpdate update in conversation.StreamReply(sent, WaitMs))
                    Console.WriteLine((update.IsFinal ? "bot: " : "... ") + update.Text);

                sent = conversation.SendMessage(conversation.UserId, "login");
                Activity last = conversation.StreamReply(sent, WaitMs).Last().Activity;
                Console.WriteLine(last.SigninUrl != null ? "sign in at: " + last.SigninUrl : "bot: " + last.Text);
            }
        }
        catch (DirectLineException e)   // never contains the token
        {
            Console.Error.WriteLine("copilot: " + e.ResultName + ": " + e.Message);
            return 1;
        }
        return 0;
    }
}
