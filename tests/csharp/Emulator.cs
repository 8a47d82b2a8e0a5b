using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace DirectLine.Tests
{
    /// <summary>
    /// A real directline-emulator process on 127.0.0.1, started like
    /// tests/support/emulator_process.hpp: --port 0, then the first stdout line
    /// "listening on http://127.0.0.1:PORT". Binary: $DIRECTLINE_EMULATOR or
    /// build/bin/directline-emulator.
    /// </summary>
    sealed class Emulator : IDisposable
    {
        public const string Secret = "test-secret-0123456789";

        readonly Process process;
        public readonly string BaseUrl;

        public Emulator(params string[] extraArgs)
        {
            string binary = Environment.GetEnvironmentVariable("DIRECTLINE_EMULATOR");
            if (string.IsNullOrEmpty(binary))
                binary = "build/bin/directline-emulator";
            var args = new List<string> { "--port", "0", "--secret", Secret };
            args.AddRange(extraArgs);
            var info = new ProcessStartInfo(binary, string.Join(" ", args))
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = false,
            };
            process = Process.Start(info);
            Task<string> firstLine = process.StandardOutput.ReadLineAsync();
            if (!firstLine.Wait(TimeSpan.FromSeconds(20)) || firstLine.Result == null
                || !firstLine.Result.StartsWith("listening on "))
            {
                Dispose();
                throw new InvalidOperationException("emulator did not start: " + binary);
            }
            BaseUrl = firstLine.Result.Substring("listening on ".Length).Trim();
        }

        public string V3 { get { return BaseUrl + "/v3/directline"; } }
        public string V1 { get { return BaseUrl + "/api"; } }

        /// <summary>The token endpoint of the emulator's Copilot Studio agent (or of another schema).</summary>
        public string AgentTokenUrl(string schema)
        {
            return BaseUrl + "/powervirtualagents/botsbyschema/" + schema + "/directline/token?api-version=2022-03-01-preview";
        }

        /// <summary>POST to an admin route (emulator started with --admin).</summary>
        public string Admin(string path, string body)
        {
            var request = (HttpWebRequest)WebRequest.Create(BaseUrl + path);
            request.Method = "POST";
            request.ContentType = "application/json";
            request.Proxy = null;
            byte[] bytes = Encoding.UTF8.GetBytes(body ?? "");
            request.ContentLength = bytes.Length;
            using (Stream stream = request.GetRequestStream())
                stream.Write(bytes, 0, bytes.Length);
            using (var response = (HttpWebResponse)request.GetResponse())
            using (var reader = new StreamReader(response.GetResponseStream()))
                return reader.ReadToEnd();
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    // SIGTERM for a clean shutdown (Process.Kill would send SIGKILL).
                    Process.Start("kill", "-TERM " + process.Id).WaitForExit();
                    if (!process.WaitForExit(10000))
                        process.Kill();
                }
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }
    }

    static class Waits
    {
        public static Activity Until(Conversation conversation, Func<Activity, bool> wanted, int timeoutMs)
        {
            var watch = Stopwatch.StartNew();
            while (true)
            {
                long left = timeoutMs - watch.ElapsedMilliseconds;
                if (left <= 0)
                    throw new TimeoutException("no matching activity within " + timeoutMs + " ms");
                Activity activity = conversation.NextActivity((int)left);
                if (activity != null && wanted(activity))
                    return activity;
            }
        }

        public static Activity BotMessage(Conversation conversation, string text)
        {
            return Until(conversation, a => a.Type == "message" && !a.IsOwn && a.Text == text, 10000);
        }
    }
}
