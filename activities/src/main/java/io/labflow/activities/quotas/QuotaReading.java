package io.labflow.activities.quotas;

import java.util.Map;

/**
 * One quota as the account stands now.
 *
 * @param quota which quota
 * @param limit its value for the account
 * @param note where the value comes from when Service Quotas did not give the applied value, or
 *     null
 * @param used how many the account has now
 * @param heldByLab of those, how many carry each lab's tag (only where AWS's answer has tags)
 */
public record QuotaReading(
    Quota quota, int limit, String note, int used, Map<String, Integer> heldByLab) {

  /** {@code quota 5} and, when not the applied value, where it comes from. */
  public String limitText() {
    return "quota " + limit + (note == null ? "" : " (" + note + ")");
  }
}
