package dev.directline;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real directline-emulator process on 127.0.0.1 for one test (class),
 * started like tests/support/emulator_process.hpp: --port 0, then the first
 * stdout line "listening on http://127.0.0.1:PORT" gives the address.
 * The binary: system property directline.emulator, $DIRECTLINE_EMULATOR, or
 * build/bin/directline-emulator.
 */
final class Emulator implements AutoCloseable {
  static final String SECRET = "test-secret-0123456789";

  private final Process process;
  private final Path stderrFile;
  final String baseUrl;

  Emulator(String... extraArgs) throws IOException {
    List<String> command = new ArrayList<>(Arrays.asList(binary(), "--port", "0", "--secret", SECRET));
    command.addAll(Arrays.asList(extraArgs));
    stderrFile = Files.createTempFile("directline-emulator-", ".log");
    process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.to(stderrFile.toFile()))
        .start();
    InputStream stdout = process.getInputStream();
    CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
      try {
        return new BufferedReader(new InputStreamReader(stdout, StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        return null;
      }
    });
    String line;
    try {
      line = firstLine.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      line = null;
    }
    if (line == null || !line.startsWith("listening on ")) {
      close();
      throw new IOException("emulator did not start (" + command.get(0) + "): " + line + "\n"
          + new String(Files.readAllBytes(stderrFile), StandardCharsets.UTF_8));
    }
    baseUrl = line.substring("listening on ".length()).trim();
  }

  static String binary() {
    String path = System.getProperty("directline.emulator");
    if (path == null || path.isEmpty() || !new File(path).canExecute()) {
      path = System.getenv("DIRECTLINE_EMULATOR");
    }
    if (path == null || path.isEmpty()) {
      path = "build/bin/directline-emulator";
    }
    return path;
  }

  String v3() {
    return baseUrl + "/v3/directline";
  }

  String v1() {
    return baseUrl + "/api";
  }

  /** The token endpoint of the emulator's Copilot Studio agent (or of another schema). */
  String agentTokenUrl(String schema) {
    return baseUrl + "/powervirtualagents/botsbyschema/" + schema
        + "/directline/token?api-version=2022-03-01-preview";
  }

  /** POST to an admin route (the emulator runs with --admin); returns the body. */
  String admin(String path, String body) throws IOException {
    return request("POST", baseUrl + path, body);
  }

  String stats() throws IOException {
    return request("GET", baseUrl + "/admin/stats", null);
  }

  private static String request(String method, String url, String body) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(5000);
    connection.setReadTimeout(10000);
    if (body != null) {
      connection.setDoOutput(true);
      connection.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = connection.getOutputStream()) {
        out.write(body.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = connection.getResponseCode();
    InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
    String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    if (status >= 400) {
      throw new IOException(method + " " + url + " -> " + status + " " + text);
    }
    return text;
  }

  @Override
  public void close() {
    process.destroy(); // SIGTERM: clean shutdown
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(stderrFile);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }
}
