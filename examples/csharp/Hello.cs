// Hello.cs - the directline C# binding in one page: token from a secret, start,
// send "hello", print the bot's reply, then show how a failure looks (a wrong
// secret). The NuGet package DirectLine carries the native libraries
// (runtimes/linux-x64/native).
//
//   nuget install DirectLine -OutputDirectory packages
//   mcs -r:packages/DirectLine.0.2.0/lib/netstandard2.0/DirectLine.dll Hello.cs
//   DIRECTLINE_SECRET=... DIRECTLINE_ENDPOINT=http://127.0.0.1:PORT/v3/directline mono Hello.exe
//
// DIRECTLINE_ENDPOINT defaults to the public service. Exit status 0 when the bot replied.
using System;
using DirectLine;

static class Hello
{
    static int Main()
    {
        string secret = Environment.GetEnvironmentVariable("DIRECTLINE_SECRET");
        string endpoint = Environment.GetEnvironmentVariable("DIRECTLINE_ENDPOINT");   // null: the public service
        if (string.IsNullOrEmpty(secret))
        {
            Console.Error.WriteLine("hello: set DIRECTLINE_SECRET");
            return 1;
        }
        Console.WriteLine("directline " + DirectLineClient.LibraryVersion);

        try
        {
            using (var client = new DirectLineClient(endpoint))
            {
                // A token is what a browser or device should hold; the secret stays here.
                Token token = client.GenerateToken(secret);
                using (Conversation conversation = client.StartConversation(token.Value))
                {
                    Console.WriteLine("conversation " + conversation.Id);
                    conversation.SendMessage("user1", "hello");
                    // Our own message comes back too (and "typing"): wait for the bot's answer.
                    Activity reply = null;
                    for (int waited = 0; waited < 15 && reply == null; waited++)
                    {
                        Activity activity = conversation.NextActivity(1000);   // null: nothing within 1 s
                        if (activity != null && !activity.IsOwn && activity.Type == "message" && activity.Text != null)
                            reply = activity;
                    }
                    if (reply == null)
                    {
                        Console.Error.WriteLine("hello: no reply within 15 s");
                        return 1;
                    }
                    Console.WriteLine("bot: " + reply.Text);
                }
            }
        }
        catch (DirectLineException e)   // the message never contains a secret or token
        {
            Console.Error.WriteLine("hello: " + e.Code + ": " + e.Message);
            return 1;
        }

        // Errors are DirectLineException subclasses with the code and the HTTP status.
        try
        {
            using (var client = new DirectLineClient(endpoint))
                client.GenerateToken("not-the-secret");
            Console.Error.WriteLine("hello: a wrong secret was accepted");
            return 1;
        }
        catch (DirectLineException e)
        {
            Console.WriteLine("wrong secret rejected: " + e.Code + " (HTTP " + e.HttpStatus + ")");
        }
        return 0;
    }
}
