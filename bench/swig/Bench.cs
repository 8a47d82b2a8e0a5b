// C# side of bench/swig: the same calls as bench_c.c through the C# binding.
// Usage: mono Bench.exe ENDPOINT SECRET TOKEN_CALLS GETTER_CALLS
using System;
using System.Diagnostics;
using DirectLine;

static class Bench
{
    static int Main(string[] args)
    {
        string endpoint = args[0], secret = args[1];
        int tokenCalls = int.Parse(args[2]), getterCalls = int.Parse(args[3]);
        long sink = 0;
        using (var client = new DirectLineClient(endpoint))
        {
            for (int i = 0; i < tokenCalls / 10 + 1; i++) // warm-up: JIT, connections
                sink += client.GenerateToken(secret).Value.Length;
            var watch = Stopwatch.StartNew();
            for (int i = 0; i < tokenCalls; i++)
                sink += client.GenerateToken(secret).Value.Length;
            Console.WriteLine("generate_token_us {0:F2}", watch.Elapsed.TotalMilliseconds * 1e3 / tokenCalls);
            using (Conversation conversation = client.StartConversation(secret))
            {
                for (int i = 0; i < getterCalls / 10; i++)
                    sink += conversation.Id.Length;
                watch = Stopwatch.StartNew();
                for (int i = 0; i < getterCalls; i++)
                    sink += conversation.Id.Length;
                Console.WriteLine("getter_ns {0:F2}", watch.Elapsed.TotalMilliseconds * 1e6 / getterCalls);
            }
        }
        return sink == 0 ? 3 : 0;
    }
}
