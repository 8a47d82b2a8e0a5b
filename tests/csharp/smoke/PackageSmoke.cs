// A program that uses only the files of DirectLine.nupkg placed beside it
// (DirectLine.dll, libdirectline.so, libdirectline_csharp.so): generate a
// token, start, send, receive the echo. Usage: mono PackageSmoke.exe EMULATOR
using System;
using System.Diagnostics;
using DirectLine;

static class PackageSmoke
{
    static int Main(string[] args)
    {
        const string secret = "smoke-secret-0123456789";
        var info = new ProcessStartInfo(args[0], "--port 0 --secret " + secret)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        using (Process emulator = Process.Start(info))
        {
            try
            {
                string line = emulator.StandardOutput.ReadLine() ?? "";
                if (!line.StartsWith("listening on "))
                    throw new InvalidOperationException("emulator did not start: " + line);
                string endpoint = line.Substring("listening on ".Length).Trim() + "/v3/directline";
                using (var client = new DirectLineClient(endpoint))
                using (Conversation conversation = client.StartConversation(client.GenerateToken(secret).Value))
                {
                    conversation.SendMessage("user1", "from the package");
                    var watch = Stopwatch.StartNew();
                    while (watch.ElapsedMilliseconds < 10000)
                    {
                        Activity activity = conversation.NextActivity(1000);
                        if (activity != null && !activity.IsOwn && activity.Text == "echo: from the package")
                        {
                            Console.WriteLine("package smoke: OK (library " + DirectLineClient.LibraryVersion + ")");
                            return 0;
                        }
                    }
                    Console.WriteLine("package smoke: no echo within 10 s");
                    return 1;
                }
            }
            catch (Exception e)
            {
                Console.WriteLine("package smoke: " + e);
                return 1;
            }
            finally
            {
                Process.Start("kill", "-TERM " + emulator.Id).WaitForExit();
                emulator.WaitForExit(10000);
            }
        }
    }
}
