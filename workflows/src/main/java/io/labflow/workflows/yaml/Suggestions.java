package io.labflow.workflows.yaml;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" hints for misspelt names. */
public final class Suggestions {

  private Suggestions() {}

  /**
   * The candidate closest to {@code name}, if it is close enough to be a likely typo: equal
   * ignoring case, or within an edit distance (a swap of neighbours counts as one edit) of about a
   * third of the name's length (at least 1).
   */
  public static Optional<String> closest(String name, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      int d =
          candidate.equalsIgnoreCase(name)
              ? 0
              : distance(name.toLowerCase(), candidate.toLowerCase()) + 1;
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    int limit = Math.max(1, (name.length() + 1) / 3);
    return best != null && bestDistance - 1 <= limit ? Optional.of(best) : Optional.empty();
  }

  /** {@code "; did you mean 'x'?"}, or {@code "; expected one of: a, b"} when nothing is close. */
  public static String hint(String name, Collection<String> candidates) {
    String close = didYouMean(name, candidates);
    return !close.isEmpty() || candidates.isEmpty()
        ? close
        : "; expected one of: " + String.join(", ", candidates);
  }

  /** {@code "; did you mean 'x'?"}, or "" when nothing is close. */
  public static String didYouMean(String name, Collection<String> candidates) {
    return closest(name, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
  }

  /** Levenshtein distance where swapping two neighbouring characters is one edit. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      for (int j = 0; j <= b.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j; // From or to the empty string: one edit per character.
          continue;
        }
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
