using System;
using System.IO;
using System.Runtime.InteropServices;

namespace DirectLine
{
    /// <summary>
    /// Makes the native libraries findable before the first P/Invoke: the NuGet
    /// package ships libdirectline.so (no SONAME suffix), while the glue library
    /// needs libdirectline.so.1. Loading the core library by path first lets the
    /// dynamic linker match the glue's dependency by SONAME, wherever the files
    /// are: beside DirectLine.dll, or in the package's runtimes/linux-x64/native.
    /// </summary>
    internal static class NativeLoader
    {
        const int RTLD_NOW = 2;
        const int RTLD_GLOBAL = 0x100;
        static readonly object Gate = new object();
        static bool preloaded;

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        static extern IntPtr DlOpen(string file, int mode);

        internal static void Preload()
        {
            lock (Gate)
            {
                if (preloaded)
                    return;
                preloaded = true;
                if (Environment.OSVersion.Platform != PlatformID.Unix)
                    return;
                string location = typeof(NativeLoader).Assembly.Location;
                if (string.IsNullOrEmpty(location))
                    return;
                string here = Path.GetDirectoryName(location);
                string[] directories =
                {
                    here,
                    Path.Combine(here, "runtimes", "linux-x64", "native"),
                    Path.Combine(here, "..", "..", "runtimes", "linux-x64", "native"),
                };
                foreach (string directory in directories)
                {
                    string core = FirstExisting(directory, "libdirectline.so.1", "libdirectline.so");
                    if (core == null)
                        continue;
                    try
                    {
                        DlOpen(core, RTLD_NOW | RTLD_GLOBAL);
                        string glue = FirstExisting(directory, "libdirectline_csharp.so");
                        if (glue != null)
                            DlOpen(glue, RTLD_NOW | RTLD_GLOBAL);
                    }
                    catch (DllNotFoundException)
                    {
                        // No libdl: fall back to the runtime's own library search.
                    }
                    catch (EntryPointNotFoundException)
                    {
                    }
                    return;
                }
            }
        }

        static string FirstExisting(string directory, params string[] names)
        {
            foreach (string name in names)
            {
                string path = Path.Combine(directory, name);
                if (File.Exists(path))
                    return path;
            }
            return null;
        }
    }
}
