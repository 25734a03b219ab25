package io.labflow.worker.doctor;

import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.quotas.QuotaFit;
import io.labflow.worker.quotas.QuotaPlanner;
import io.labflow.workflows.model.Definition;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Whether one more lab of each definition fits the account's AWS quotas: one row per quota the
 * definition counts against, its need against the quota and usage as {@code plan --quotas} shows
 * it ({@link QuotaPlanner#against}), a FAIL naming the preflight's fix. With {@code
 * LABFLOW_QUOTAS=off} one OK row says the worker checks no quota.
 */
final class QuotaCheck implements Check {

  @Override
  public List<Row> rows(Setting s) {
    if (QuotaPlanner.off()) {
      return List.of(Row.ok("quotas", "not checked: LABFLOW_QUOTAS=off, so the worker checks no"
          + " lab or fleet night against AWS quotas (for an emulator that enforces none; unset"
          + " it on AWS, docs/real-aws.md section 5)"));
    }
    List<Row> rows = new ArrayList<>();
    String blocked = s.awsBlocked();
    for (Map.Entry<String, Definition> e : s.definitions().entrySet()) {
      String name = e.getKey();
      Definition d = e.getValue();
      if (d == null) {
        rows.add(Row.unknown("quotas " + name, "the definition does not validate (labflow"
            + " validate " + name + "), so its needs are unknown"));
        continue;
      }
      List<String> need = QuotaPlanner.needLines(d, s.definitionsDir(), 1);
      if (need.isEmpty()) {
        continue;
      }
      String why = blocked;
      if (why == null) {
        try {
          for (QuotaFit.Shortfall a : new QuotaPlanner(s.clients(), s.definitionsDir())
              .against(d, List.of(PreflightCheck.LAB_ID))) {
            rows.add(row(name, a));
          }
          continue;
        } catch (ApplicationFailure f) {
          why = f.getOriginalMessage().replaceFirst("^preflight: ", "");
        } catch (SdkException x) {
          why = AwsPreflight.firstLine(x.getMessage());
        }
      }
      rows.add(Row.unknown("quotas " + name, "not read (" + why + "); a lab needs "
          + String.join(", ", need)));
    }
    return rows;
  }

  private static Row row(String definition, QuotaFit.Shortfall a) {
    String check = "quota " + a.reading().quota().code() + " " + a.reading().quota().title();
    String found = a.numbers() + " (a lab of " + definition + ")";
    return a.fits() ? Row.ok(check, found) : Row.fail(check, found, a.fix(false));
  }
}
