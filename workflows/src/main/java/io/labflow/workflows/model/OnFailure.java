package io.labflow.workflows.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the interpreter does when a step fails after its retries: a definition's {@code onFailure}
 * (its defaults' and each step's) and a request's, read once from the word they write.
 *
 * <p>The JSON of a {@link Definition} keeps the constant's name ({@code "PAUSE"}), as recorded
 * histories hold it; a request writes the word ({@code "pause"}).
 */
public enum OnFailure {
  /** Undo every started step in reverse order, then fail the run. */
  ROLLBACK,
  /** Wait durably for an operator to retry, skip or roll back. */
  PAUSE;

  /** The word a definition, a request and the command line write: {@code rollback}, {@code pause}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The value a word names, written exactly (lowercase); empty for any other text. */
  public static Optional<OnFailure> of(String word) {
    return Arrays.stream(values()).filter(v -> v.toString().equals(word)).findFirst();
  }

  /**
   * The one sentence refusing a value that names no {@code OnFailure}, to follow the field's path:
   * {@code onFailure must be 'rollback' or 'pause', got 'abort'}.
   *
   * @param got the value as messages show it: a quoted string, or its kind ({@code a list})
   */
  public static String refusal(String got) {
    return Arrays.stream(values())
            .map(v -> "'" + v + "'")
            .collect(Collectors.joining(" or ", "onFailure must be ", ", got "))
        + got;
  }
}
