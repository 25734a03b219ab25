package io.labflow.worker.doctor;

import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.quotas.QuotaFit;
import io.labflow.worker.quotas.QuotaPlanner;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Whether one more lab of each definition fits the account's AWS quotas: one row per quota the
 * definition counts against, its need against the quota and usage as {@code plan --quotas} shows
 * it ({@link QuotaPlanner#against}), a FAIL naming the preflight's fix. With {@code
 * LABFLOW_QUOTAS=off} one OK row says the worker checks no quota.
 */
final class QuotaCheck {

  private QuotaCheck() {}

  static List<Row> rows(Doctor s) {
    if (QuotaPlanner.off()) {
      return List.of(Row.ok("quotas", "not checked: LABFLOW_QUOTAS=off, so the worker checks no"
          + " lab or fleet night against AWS quotas (for an emulator that enforces none; unset"
          + " it on AWS, docs/real-aws.md section 5)"));
    }
    return s.eachDefinition("quotas", (name, d) -> {
      List<String> need = QuotaPlanner.needLines(d, s.definitionsDir(), 1);
      if (need.isEmpty()) {
        return List.of();
      }
      String why;
      try {
        return new QuotaPlanner(s.aws().clients(), s.definitionsDir())
            .against(d, List.of(PreflightCheck.LAB_ID)).stream().map(a -> row(name, a)).toList();
      } catch (ApplicationFailure f) {
        why = f.getOriginalMessage().replaceFirst("^preflight: ", "");
      } catch (SdkException x) {
        why = AwsPreflight.firstLine(x.getMessage());
      }
      return List.of(Row.unknown("quotas " + name, "not read (" + why + "); a lab needs "
          + String.join(", ", need)));
    });
  }

  private static Row row(String definition, QuotaFit.Shortfall a) {
    String check = "quota " + a.reading().quota().code + " " + a.reading().quota().title;
    String found = a.numbers() + " (a lab of " + definition + ")";
    return a.fits() ? Row.ok(check, found) : Row.fail(check, found, a.fix(false));
  }
}
