package dev.directline;

import java.nio.charset.StandardCharsets;

/** Strings to and from the native layer as UTF-8 bytes (see directline.i). */
final class Utf8 {
  private Utf8() {}

  /** NUL-terminated UTF-8, as the C API expects; null stays null. */
  static byte[] encode(String text) {
    if (text == null) {
      return null;
    }
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    byte[] terminated = new byte[utf8.length + 1];
    System.arraycopy(utf8, 0, terminated, 0, utf8.length);
    return terminated;
  }

  static String decode(byte[] utf8) {
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }
}
