package dev.directline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads the native libraries that the jar carries under /native/linux-x86_64/:
 * libdirectline.so.1 first, then the JNI glue that depends on it (the dynamic
 * linker then matches the glue's DT_NEEDED by SONAME, so no library path is
 * needed). Files are extracted to a fresh temporary directory, deleted on exit.
 *
 * Without the resources (e.g. running from unpackaged classes) it falls back
 * to System.loadLibrary("directline_jni") and java.library.path. The system
 * property directline.native.tmpdir chooses where the files are extracted.
 */
final class NativeLoader {
  private static final String RESOURCE_DIR = "/native/linux-x86_64/";
  private static final String[] LIBRARIES = {"libdirectline.so.1", "libdirectline_jni.so"};
  private static boolean loaded;

  private NativeLoader() {}

  static synchronized void load() {
    if (loaded) {
      return;
    }
    if (NativeLoader.class.getResource(RESOURCE_DIR + LIBRARIES[1]) == null) {
      System.loadLibrary("directline_jni");
      loaded = true;
      return;
    }
    String arch = System.getProperty("os.arch", "");
    String os = System.getProperty("os.name", "");
    if (!os.toLowerCase().contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
      throw new UnsatisfiedLinkError("directline: this jar carries natives for linux-x86_64 only, not "
          + os + "/" + arch);
    }
    try {
      // directline.native.tmpdir: for systems whose default temp dir is mounted noexec.
      String base = System.getProperty("directline.native.tmpdir");
      Path dir = base == null || base.isEmpty()
          ? Files.createTempDirectory("directline-native-")
          : Files.createTempDirectory(java.nio.file.Paths.get(base), "directline-native-");
      dir.toFile().deleteOnExit();
      for (String name : LIBRARIES) {
        Path target = dir.resolve(name);
        try (InputStream in = NativeLoader.class.getResourceAsStream(RESOURCE_DIR + name)) {
          if (in == null) {
            throw new UnsatisfiedLinkError("directline: resource missing from the jar: " + RESOURCE_DIR + name);
          }
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
        System.load(target.toAbsolutePath().toString());
      }
    } catch (IOException e) {
      UnsatisfiedLinkError error = new UnsatisfiedLinkError("directline: cannot extract native libraries: " + e);
      error.initCause(e);
      throw error;
    }
    loaded = true;
  }
}
