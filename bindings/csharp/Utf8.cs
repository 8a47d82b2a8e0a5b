using System;
using System.Runtime.InteropServices;
using System.Text;

namespace DirectLine
{
    /// <summary>Decodes the library's NUL-terminated UTF-8 strings (borrowed; copied here).</summary>
    internal static class Utf8
    {
        internal static string FromNative(IntPtr pointer)
        {
            if (pointer == IntPtr.Zero)
                return null;
            int length = 0;
            while (Marshal.ReadByte(pointer, length) != 0)
                length++;
            if (length == 0)
                return "";
            var bytes = new byte[length];
            Marshal.Copy(pointer, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }
    }
}
