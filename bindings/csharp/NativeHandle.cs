using System;
using System.Runtime.InteropServices;

namespace DirectLine
{
    /// <summary>
    /// Owns one SWIG proxy (and so one native handle) for a public object. Calls
    /// take a reference (DangerousAddRef), so Close() from another thread first
    /// interrupts (e.g. wakes NextActivity) and the handle is freed exactly once,
    /// when the last running call returns. Never disposed: the critical
    /// finalizer frees it.
    /// </summary>
    internal sealed class NativeHandle<T> : SafeHandle where T : class, IDisposable
    {
        readonly string what;
        readonly Action<T> interrupt;
        T native;

        internal NativeHandle(string what, T native, IntPtr pointer, Action<T> interrupt)
            : base(IntPtr.Zero, true)
        {
            this.what = what;
            this.native = native;
            this.interrupt = interrupt;
            SetHandle(pointer);
        }

        public override bool IsInvalid
        {
            get { return handle == IntPtr.Zero; }
        }

        protected override bool ReleaseHandle()
        {
            T owned = native;
            native = null;
            if (owned != null)
                owned.Dispose();
            return true;
        }

        internal TResult Call<TResult>(Func<T, TResult> body)
        {
            bool added = false;
            try
            {
                try
                {
                    DangerousAddRef(ref added);
                }
                catch (ObjectDisposedException)
                {
                    throw new ObjectDisposedException(what);
                }
                return body(native);
            }
            finally
            {
                if (added)
                    DangerousRelease();
            }
        }

        internal void Call(Action<T> body)
        {
            Call<object>(n => { body(n); return null; });
        }

        /// <summary>Idempotent; safe while other threads are inside Call.</summary>
        internal void Shutdown()
        {
            if (IsClosed)
                return;
            if (interrupt != null)
            {
                try
                {
                    Call(interrupt);
                }
                catch (ObjectDisposedException)
                {
                    // Closed by another thread meanwhile.
                }
            }
            Dispose();
        }
    }
}
