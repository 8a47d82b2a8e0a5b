package dev.directline;

/** How conversations receive activities. */
public enum ReceiveMode {
  /** WebSocket stream when the service gives a stream URL, polling otherwise (default). */
  AUTO(NativeReceiveMode.DL_RECEIVE_AUTO),
  /** Always poll GET activities with the watermark. */
  POLLING(NativeReceiveMode.DL_RECEIVE_POLLING);

  final int nativeValue;

  ReceiveMode(int nativeValue) {
    this.nativeValue = nativeValue;
  }
}
