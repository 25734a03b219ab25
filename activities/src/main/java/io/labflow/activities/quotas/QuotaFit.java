package io.labflow.activities.quotas;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which labs fit the account's quotas, in the order given (a fleet's oldest first): a lab fits
 * when, for every quota, what it needs beyond what it already holds fits in what is left. A lab
 * that does not fit is left out and the next is tried, so a lab that already holds its share is
 * never left out by a new one.
 *
 * @param leftOut the labs that do not fit, in order
 * @param quotas every quota of a lab's need, against what the labs need beyond what they hold
 * @param shortfalls those that left a lab out
 */
public record QuotaFit(List<String> leftOut, List<Shortfall> quotas, List<Shortfall> shortfalls) {

  /**
   * One quota as the account stands now.
   *
   * @param limit its value for the account
   * @param note where the value comes from when Service Quotas did not give the applied value, or
   *     null
   * @param used how many the account has now
   * @param heldByLab of those, how many carry each lab's tag (only where AWS's answer has tags)
   */
  public record Reading(
      Quota quota, int limit, String note, int used, Map<String, Integer> heldByLab) {

    /** {@code quota 5} and, when not the applied value, where it comes from. */
    public String limitText() {
      return "quota " + limit + (note == null ? "" : " (" + note + ")");
    }
  }

  /**
   * One quota against what the labs asked for need.
   *
   * @param reading the quota as the account stands
   * @param need how many more the labs asked for need beyond what they hold
   * @param fitting how many of those labs fit
   */
  public record Shortfall(Reading reading, int need, int fitting) {

    public boolean fits() {
      return reading.used() + need <= reading.limit();
    }

    /** {@code used 1, need 30, quota 5: SHORT by 26}. */
    public String numbers() {
      return "used " + reading.used() + ", need " + need + ", " + reading.limitText()
          + (fits() ? ": fits" : ": SHORT by " + (reading.used() + need - reading.limit()));
    }

    /**
     * One sentence: the quota, its code, the numbers and the fix. {@code subject} is what needs
     * it ({@code this lab}, {@code the 10 labs of fleet iam-class}).
     */
    public String sentence(String subject, boolean fleet) {
      return "quota " + reading.quota().describe() + " is too small for " + subject + ": used "
          + reading.used() + ", need " + need + ", " + reading.limitText() + "; " + fix(fleet);
    }

    /** The fix: the increase to request and how, or how many labs fewer. */
    public String fix(boolean fleet) {
      Quota q = reading.quota();
      int desired = reading.used() + need;
      return "request an increase to at least " + desired + " through Service Quotas (aws"
          + " service-quotas request-service-quota-increase --service-code " + q.serviceCode
          + " --quota-code " + q.code + " --desired-value " + desired + ")"
          + (fleet ? ", or lower the fleet to " + fitting + " labs"
              : ", or end other labs to free " + (desired - reading.limit()));
    }
  }

  /**
   * @param needs what each lab asked for creates, by quota, in order of preference
   * @param readings the account's quotas and usage (every quota of {@code needs})
   * @param allOrNone leave every lab out when one does not fit
   */
  public static QuotaFit of(Map<String, Map<Quota, Integer>> needs, Map<Quota, Reading> readings,
      boolean allOrNone) {
    List<String> labs = List.copyOf(needs.keySet());
    Map<Quota, Integer> room = new EnumMap<>(Quota.class);
    Map<Quota, Integer> need = new EnumMap<>(Quota.class);
    needs.values().forEach(perLab -> perLab.keySet().forEach(q -> {
      room.put(q, Math.max(0, readings.get(q).limit() - readings.get(q).used()));
      need.put(q, 0);
    }));
    List<String> leftOut = new ArrayList<>();
    Set<Quota> tooSmall = new LinkedHashSet<>();
    for (String lab : labs) {
      Map<Quota, Integer> extra = new EnumMap<>(Quota.class);
      needs.get(lab).forEach((q, n) ->
          extra.put(q, Math.max(0, n - readings.get(q).heldByLab().getOrDefault(lab, 0))));
      extra.forEach((q, n) -> need.merge(q, n, Integer::sum));
      List<Quota> over = extra.keySet().stream().filter(q -> extra.get(q) > room.get(q)).toList();
      if (over.isEmpty()) {
        extra.forEach((q, n) -> room.merge(q, -n, Integer::sum));
      } else {
        leftOut.add(lab);
        tooSmall.addAll(over);
      }
    }
    Map<Quota, Shortfall> quotas = new EnumMap<>(Quota.class);
    int fitting = labs.size() - leftOut.size();
    need.forEach((q, n) -> quotas.put(q, new Shortfall(readings.get(q), n, fitting)));
    return new QuotaFit(List.copyOf(allOrNone && !leftOut.isEmpty() ? labs : leftOut),
        List.copyOf(quotas.values()), tooSmall.stream().map(quotas::get).toList());
  }
}
