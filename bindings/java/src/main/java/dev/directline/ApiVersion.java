package dev.directline;

/** The Direct Line protocol version a client speaks. */
public enum ApiVersion {
  /** Direct Line 3.0 (default). */
  V3(NativeApiVersion.DL_API_V3),
  /** Direct Line 1.1 (legacy; polling only). */
  V1_1(NativeApiVersion.DL_API_V1_1);

  final int nativeValue;

  ApiVersion(int nativeValue) {
    this.nativeValue = nativeValue;
  }
}
