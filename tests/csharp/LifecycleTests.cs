using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NUnit.Framework;

namespace DirectLine.Tests
{
    /// <summary>Dispose, threads, and no leak over many conversations.</summary>
    [TestFixture]
    public class LifecycleTests : SharedEmulatorFixture
    {
        [Test]
        public void test_dispose_twice_is_harmless()
        {
            Conversation conversation = client.StartConversation(Emulator.Secret);
            conversation.Dispose();
            conversation.Dispose();
            conversation.Close();
            Assert.IsTrue(conversation.IsClosed);
            Assert.Throws<ObjectDisposedException>(() => { var id = conversation.Id; });
            Assert.AreEqual("Conversation{closed}", conversation.ToString());

            var other = new DirectLineClient(emulator.V3);
            other.Dispose();
            other.Dispose();
            Assert.Throws<ObjectDisposedException>(() => other.GenerateToken(Emulator.Secret));
        }

        [Test]
        public void test_conversation_outlives_its_client()
        {
            var shortLived = new DirectLineClient(emulator.V3);
            using (Conversation conversation = shortLived.StartConversation(Emulator.Secret))
            {
                shortLived.Dispose();
                conversation.SendMessage("user1", "still here");
                Waits.BotMessage(conversation, "echo: still here");
            }
        }

        [Test]
        public void test_dispose_wakes_a_waiting_thread()
        {
            Conversation conversation = client.StartConversation(Emulator.Secret);
            var waiting = new ManualResetEventSlim();
            Task<Activity> waiter = Task.Factory.StartNew(() =>
            {
                waiting.Set();
                return conversation.NextActivity(-1);
            }, TaskCreationOptions.LongRunning);
            waiting.Wait();
            Thread.Sleep(200);
            var watch = System.Diagnostics.Stopwatch.StartNew();
            conversation.Dispose();
            var e = Assert.Throws<AggregateException>(() => waiter.Wait(10000));
            Assert.IsTrue(e.InnerException is CancelledException || e.InnerException is ObjectDisposedException,
                          e.InnerException.ToString());
            Assert.Less(watch.ElapsedMilliseconds, 5000);
        }

        [Test]
        public void test_parallel_threads_share_a_client()
        {
            int threads = 8, echoes = 0;
            var runs = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
            {
                Token token = client.GenerateToken(Emulator.Secret);
                using (Conversation conversation = client.StartConversation(token.Value))
                {
                    for (int i = 0; i < 3; i++)
                    {
                        conversation.SendMessage("user1", "thread " + t + " #" + i);
                        Waits.BotMessage(conversation, "echo: thread " + t + " #" + i);
                        Interlocked.Increment(ref echoes);
                    }
                }
            }, TaskCreationOptions.LongRunning)).ToArray();
            Assert.IsTrue(Task.WaitAll(runs, 60000));
            Assert.AreEqual(threads * 3, echoes);
        }

        [Test]
        public void test_one_conversation_used_by_several_threads()
        {
            using (Conversation conversation = client.StartConversation(Emulator.Secret))
            {
                int senders = 4, each = 5;
                var runs = Enumerable.Range(0, senders).Select(s => Task.Factory.StartNew(() =>
                {
                    for (int i = 0; i < each; i++)
                        conversation.SendMessage("user1", "s" + s + "-" + i);
                }, TaskCreationOptions.LongRunning)).ToArray();
                Assert.IsTrue(Task.WaitAll(runs, 60000));
                var ids = new HashSet<string>();
                int bot = 0;
                while (bot < senders * each)
                {
                    Activity a = conversation.NextActivity(10000);
                    Assert.IsNotNull(a, "missing echoes: got " + bot);
                    Assert.IsTrue(ids.Add(a.Id), "delivered twice: " + a.Id);
                    if (a.Type == "message" && !a.IsOwn)
                        bot++;
                }
            }
        }

        static long RssKiB()
        {
            foreach (string line in File.ReadAllLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:"))
                    return long.Parse(new string(line.Where(char.IsDigit).ToArray()));
            throw new InvalidOperationException("no VmRSS");
        }

        [Test]
        public void test_no_leak_over_10000_conversations()
        {
            string configured = Environment.GetEnvironmentVariable("DIRECTLINE_LEAK_CONVERSATIONS");
            int total = string.IsNullOrEmpty(configured) ? 10000 : int.Parse(configured);
            int warmup = total / 5;
            long afterWarmup = 0;
            for (int i = 0; i < total; i++)
            {
                if (i == warmup)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    afterWarmup = RssKiB();
                }
                using (Conversation conversation = client.StartConversation(Emulator.Secret))
                    Assert.IsNotEmpty(conversation.Id);
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long growth = RssKiB() - afterWarmup;
            Console.WriteLine("leak check: {0} conversations, RSS growth {1} KiB", total - warmup, growth);
            // A conversation costs ~3.8 KiB native (measured), 30 MiB over 8,000: a leaked handle shows.
            Assert.Less(growth, 6 * 1024, "RSS grew by " + growth + " KiB");
        }

        [Test]
        public void test_undisposed_conversations_are_freed_by_the_finalizer()
        {
            long before = 0;
            for (int i = 0; i < 3000; i++)
            {
                if (i == 500)
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    before = RssKiB();
                }
                if (i % 250 == 0)
                {
                    GC.Collect(); // lets the SafeHandle finalizers free what was dropped so far
                    GC.WaitForPendingFinalizers();
                }
                Assert.IsNotEmpty(client.StartConversation(Emulator.Secret).Id); // dropped without Dispose
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            long growth = RssKiB() - before;
            Console.WriteLine("finalizer check: 2500 dropped conversations, RSS growth {0} KiB", growth);
            // Holding 2,500 conversations costs ~9.5 MiB (measured): a finalizer that frees nothing shows.
            Assert.Less(growth, 4 * 1024, "RSS grew by " + growth + " KiB");
        }
    }
}
