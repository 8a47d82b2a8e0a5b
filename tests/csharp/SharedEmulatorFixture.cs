using NUnit.Framework;

namespace DirectLine.Tests
{
    /// <summary>
    /// Base of the fixtures whose tests share one emulator process and one 3.0 client
    /// (started before the first test, disposed after the last).
    /// </summary>
    public abstract class SharedEmulatorFixture
    {
        // internal, not protected: Emulator is an internal type.
        internal Emulator emulator;
        internal DirectLineClient client;

        [TestFixtureSetUp]
        public void StartEmulatorAndClient()
        {
            emulator = new Emulator();
            client = new DirectLineClient(emulator.V3);
        }

        [TestFixtureTearDown]
        public void DisposeClientAndEmulator()
        {
            if (client != null)
                client.Dispose();
            if (emulator != null)
                emulator.Dispose();
        }
    }
}
