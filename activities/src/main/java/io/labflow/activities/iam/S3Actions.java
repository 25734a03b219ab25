package io.labflow.activities.iam;

import io.labflow.workflows.yaml.Suggestions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * S3's actions and what each acts on (a bucket, the objects in it, or neither), as IAM's Service
 * Authorization Reference lists them ({@code s3-actions.txt}, generated from a kept copy of it):
 * the one rule of which actions a policy scoped to a lab's bucket can allow, and on which
 * resource.
 */
public final class S3Actions {

  private static final Pattern S3_ACTION = Pattern.compile("s3:[A-Za-z*]+");

  /** Each action's name as AWS spells it ({@code ListBucket}) by its lowercase name. */
  private static final Map<String, String> NAMES;

  /** Each action's kind by its lowercase name: {@code bucket}, {@code object} or {@code other}. */
  private static final Map<String, String> KINDS;

  static {
    List<String[]> rows;
    try (InputStream in = S3Actions.class.getResourceAsStream("s3-actions.txt")) {
      rows = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split(" ", 2)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NAMES = rows.stream().collect(Collectors.toUnmodifiableMap(r -> lower(r[1]), r -> r[1]));
    KINDS = rows.stream().collect(Collectors.toUnmodifiableMap(r -> lower(r[1]), r -> r[0]));
  }

  private S3Actions() {}

  /** Whether the action ({@code s3:ListBucket}, any case) acts on a bucket itself. */
  public static boolean onBucket(String action) {
    return "bucket".equals(KINDS.get(lower(action.substring(action.indexOf(':') + 1))));
  }

  /**
   * Why a policy scoped to one bucket cannot allow the action: not {@code s3:Name}, no S3 action
   * (with the closest one), one that acts on no bucket or object, or a wildcard that matches none
   * that does; empty when it can.
   */
  public static Optional<String> problem(String action) {
    if (action == null || !S3_ACTION.matcher(action).matches()) {
      return Optional.of("only S3 actions (s3:Name) can be scoped to a bucket, got: " + action);
    }
    String name = lower(action.substring(3));
    if (name.contains("*")) {
      Pattern glob = Pattern.compile(name.replace("*", ".*"));
      return KINDS.entrySet().stream().anyMatch(e -> !e.getValue().equals("other")
          && glob.matcher(e.getKey()).matches()) ? Optional.empty()
          : Optional.of(action + " matches no S3 action on a bucket or its objects");
    }
    String kind = KINDS.get(name);
    return kind == null
        ? Optional.of(action + " is not an S3 action" + Suggestions.didYouMean(action,
            NAMES.values().stream().map(n -> "s3:" + n).toList()))
        : kind.equals("other") ? Optional.of("s3:" + NAMES.get(name) + " acts on no bucket or"
            + " object, so a policy scoped to the lab's bucket cannot allow it")
        : Optional.empty();
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  /** For the test that keeps the file in step with its source: each name to its kind. */
  static Map<String, String> kinds() {
    return NAMES.values().stream().collect(
        Collectors.toMap(Function.identity(), n -> KINDS.get(lower(n))));
  }
}
