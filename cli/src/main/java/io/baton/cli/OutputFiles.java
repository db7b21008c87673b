package io.baton.cli;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a command's output files (a report in Markdown, in JSON). */
final class OutputFiles {
  private OutputFiles() {}

  /**
   * @param file where to write, or null for nowhere
   * @param text the content, written as UTF-8
   * @param what what it is, for the error message
   * @throws BatonException when the file cannot be written
   */
  static void write(Path file, String text, String what) {
    if (file == null) {
      return;
    }
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BatonException("cannot write the " + what + " to " + file + ": " + e.getMessage(), e);
    }
  }
}
