package io.labflow.worker.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The morning report of one night: every lab in fleet order, and the night's totals.
 *
 * @param startedAt when the night began (epoch ms)
 * @param finishedAt when it ended (epoch ms), or 0 while it runs
 * @param quota why labs were left out for the account's quotas: the quota, its code, used, need,
 *     quota and the fix; null when every lab fitted
 */
public record FleetReport(
    String fleet,
    long startedAt,
    long finishedAt,
    List<LabReport> labs,
    @JsonInclude(JsonInclude.Include.NON_NULL) String quota) {

  public Map<LabReport.Outcome, Integer> totals() {
    Map<LabReport.Outcome, Integer> t = new EnumMap<>(LabReport.Outcome.class);
    for (LabReport.Outcome o : LabReport.Outcome.values()) {
      t.put(o, (int) labs.stream().filter(l -> l.outcome() == o).count());
    }
    return t;
  }

  /** How many labs are in quarantine after this night (newly or still). */
  public long inQuarantine() {
    return labs.stream().filter(LabReport::quarantined).count();
  }

  public LabReport lab(String labId) {
    return labs.stream().filter(l -> l.labId().equals(labId)).findFirst().orElse(null);
  }
}
