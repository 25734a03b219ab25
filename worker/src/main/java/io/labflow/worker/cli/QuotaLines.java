package io.labflow.worker.cli;

import io.labflow.activities.quotas.Quota;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.worker.runtime.Composition;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What {@code plan} and {@code fleet validate} print about AWS quotas: the need of the labs by
 * quota, offline; with {@code --quotas}, each against the account's quota and usage, or why they
 * could not be read.
 */
final class QuotaLines {

  private QuotaLines() {}

  /**
   * @param needs by lab, what it needs ({@link QuotaPlanner#needs})
   * @param notCounted why a stack is not in {@code needs} ({@link QuotaPlanner#notCounted})
   */
  static void print(PrintWriter out, Path definitionsDir, Map<String, Map<Quota, Integer>> needs,
      boolean againstAccount, List<String> notCounted) {
    List<String> need = QuotaPlanner.needLines(needs);
    int labs = needs.size();
    if (need.isEmpty() && notCounted.isEmpty()) {
      out.println("AWS quotas: this definition creates nothing that counts against one labflow checks");
      return;
    }
    out.println("AWS quotas" + (labs > 1 ? " (" + labs + " labs)" : "") + ":");
    if (!need.isEmpty() && !againstAccount) {
      need.forEach(l -> out.println("  " + l));
      out.println("  not checked against the AWS account (add --quotas to read its quotas and usage)");
    } else if (!need.isEmpty()) {
      try (var clients = Composition.awsAccess(List.of()).clients()) {
        new QuotaPlanner(clients, definitionsDir).against(needs).forEach(
            a -> out.println("  " + a.reading().quota().describe() + ": " + a.numbers()));
      } catch (RuntimeException e) {
        need.forEach(l -> out.println("  " + l));
        String why = e instanceof io.temporal.failure.ApplicationFailure af
            ? af.getOriginalMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        // What happened, as said: AWS may have answered (a refusal) or not.
        out.println("  not checked against the AWS account: "
            + why.lines().findFirst().orElse(""));
      }
    }
    notCounted.forEach(l -> out.println("  " + l));
  }
}
