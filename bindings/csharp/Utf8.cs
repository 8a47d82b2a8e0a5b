using System;
using System.Text;

namespace DirectLine
{
    /// <summary>Decodes the library's NUL-terminated UTF-8 strings (borrowed; copied here).</summary>
    internal static class Utf8
    {
        // Pointer scan rather than Marshal.ReadByte per byte: a getter is a few
        // hundred nanoseconds cheaper on Mono.
        internal static unsafe string FromNative(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
                return null;
            byte* bytes = (byte*)pointer;
            int length = 0;
            while (bytes[length] != 0)
                length++;
            return length == 0 ? "" : Encoding.UTF8.GetString(bytes, length);
        }
    }
}
