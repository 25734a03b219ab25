package io.labflow.workflows.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What the interpreter does when a step fails after its retries: a definition's {@code onFailure}
 * and a request's, read once from the word they write. A {@link Definition}'s JSON keeps the
 * constant's name ({@code "PAUSE"}, as recorded histories hold it); a request's, the word.
 */
public enum OnFailure {
  /** Undo every started step in reverse order, then fail the run. */
  ROLLBACK,
  /** Wait durably for an operator to retry, skip or roll back. */
  PAUSE;

  /** The word definitions, requests and the command line write: {@code rollback}, {@code pause}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The value a word names, written exactly (lowercase); empty for anything else. */
  public static Optional<OnFailure> of(String word) {
    return Arrays.stream(values()).filter(v -> v.toString().equals(word)).findFirst();
  }

  /**
   * The one sentence refusing another value: {@code got} quoted, or its kind ({@code a list});
   * {@code written} (the text, or null when it was not text) adds the value it differs from only
   * in case or spaces.
   */
  public static String refusal(String got, String written) {
    String sentence = "onFailure must be 'rollback' or 'pause', got " + got;
    return written == null ? sentence : Arrays.stream(values())
        .filter(v -> v.toString().equalsIgnoreCase(written.strip()))
        .findFirst().map(v -> sentence + "; did you mean '" + v + "'?").orElse(sentence);
  }
}
