package io.labflow.worker.doctor;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * {@code labflow doctor}: what an operator checks before the first class on a new account, as one
 * table of OK / FAIL / UNKNOWN rows. It creates nothing; secrets are never printed (only ARNs,
 * account ids, addresses).
 */
public final class Doctor {

  /**
   * The checks, in the order of the table. A check never throws for what it finds: a failure is a
   * FAIL row naming the fix, a question it cannot answer an UNKNOWN row saying why.
   */
  private static final List<Function<Setting, List<Row>>> CHECKS = List.of(
      Setting::identityRows, PermissionCheck::rows, QuotaCheck::rows, PreflightCheck::rows,
      TemporalCheck::rows);

  private Doctor() {}

  /** Runs every check with this process's AWS and Temporal configuration. */
  public static List<Row> run(Path definitionsDir, String taskQueue, List<String> definitions,
      String siteParameters) {
    try (Setting s = Setting.open(definitionsDir, taskQueue, definitions, siteParameters)) {
      return CHECKS.stream().flatMap(c -> c.apply(s).stream()).toList();
    }
  }

  /** The table, one row a line: the verdict, the check, what was found. */
  public static void print(List<Row> rows, PrintWriter out) {
    int width = rows.stream().mapToInt(r -> r.check().length()).max().orElse(5);
    String format = "%-7s  %-" + width + "s  %s%n";
    out.printf(format, "RESULT", "CHECK", "DETAIL");
    for (Row r : rows) {
      out.printf(format, r.verdict(), r.check(), r.detail());
    }
  }

  /** 0 when no row fails, 1 otherwise (an UNKNOWN does not fail). */
  public static int exitCode(List<Row> rows) {
    return rows.stream().anyMatch(r -> r.verdict() == Row.Verdict.FAIL) ? 1 : 0;
  }
}
