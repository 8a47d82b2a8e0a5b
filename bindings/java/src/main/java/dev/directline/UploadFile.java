package dev.directline;

import java.util.Objects;

/** One file for {@link Conversation#upload}. The bytes are copied when uploading. */
public final class UploadFile {
  private final String name;
  private final String contentType;
  private final byte[] data;

  /**
   * @param name file name, e.g. "a.png"
   * @param contentType e.g. "image/png"; null: application/octet-stream
   * @param data the content
   */
  public UploadFile(String name, String contentType, byte[] data) {
    this.name = Objects.requireNonNull(name, "name");
    this.contentType = contentType;
    this.data = Objects.requireNonNull(data, "data");
  }

  /** The file name sent with the upload. */
  public String getName() {
    return name;
  }

  /** The content type; null: application/octet-stream. */
  public String getContentType() {
    return contentType;
  }

  byte[] data() {
    return data;
  }
}
