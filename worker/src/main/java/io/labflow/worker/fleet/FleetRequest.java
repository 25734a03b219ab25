package io.labflow.worker.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.labflow.worker.reset.ResetRequest;
import io.labflow.workflows.fleet.FleetKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Input of {@link FleetResetWorkflow}, as the fleet's Schedule passes it; read and checked by
 * {@link FleetRequests#parse}.
 *
 * @param fleet the fleet's name
 * @param definition the step file every lab runs
 * @param concurrency how many labs reset at once
 * @param quarantineAfter consecutive failed nights after which a lab is quarantined
 * @param labs the labs, in order
 * @param releases lab id to the time (epoch ms) a person released it; a quarantine older than
 *     this is lifted
 * @param progress null when a night starts; set by the workflow when it continues as new
 * @param quotaShortfall {@code none}: reset no lab when they do not all fit the account's quotas;
 *     null or {@code as-many-as-fit}: reset the first that fit
 */
public record FleetRequest(
    String fleet,
    String definition,
    int concurrency,
    int quarantineAfter,
    List<Lab> labs,
    Map<String, Long> releases,
    Progress progress,
    @JsonInclude(JsonInclude.Include.NON_NULL) String quotaShortfall) {

  /** One lab of the fleet, as its reset takes it. */
  public record Lab(String labId, String variant, Map<String, Object> parameters) {}

  /** The request of the reset this fleet runs for one of its labs. */
  public ResetRequest resetOf(Lab lab) {
    return new ResetRequest(lab.labId(), definition, lab.variant(), lab.parameters());
  }

  /**
   * Where a night that continued as new stands.
   *
   * @param startedAt when the night began
   * @param next index of the next lab to handle
   * @param previous the previous night's entries of labs with failures or in quarantine
   * @param done the entries of the labs handled so far
   * @param quota why labs were left out for the account's quotas, or null
   */
  public record Progress(long startedAt, int next, Map<String, LabReport> previous, List<LabReport> done,
      @JsonInclude(JsonInclude.Include.NON_NULL) String quota) {
    public Progress {
      previous = previous == null ? Map.of() : previous;
      done = done == null ? List.of() : done;
    }
  }

  /** Whether no lab is reset when they do not all fit the account's quotas. */
  public boolean allOrNoneWithinQuotas() {
    return FleetKeys.NONE.equals(quotaShortfall);
  }

  public FleetRequest withProgress(Progress p) {
    return new FleetRequest(fleet, definition, concurrency, quarantineAfter, labs, releases, p,
        quotaShortfall);
  }

  public FleetRequest withRelease(String labId, long at) {
    Map<String, Long> r = new LinkedHashMap<>(releases);
    r.put(labId, at);
    return new FleetRequest(fleet, definition, concurrency, quarantineAfter, labs, r, progress,
        quotaShortfall);
  }
}
