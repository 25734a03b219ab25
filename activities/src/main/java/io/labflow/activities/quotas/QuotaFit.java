package io.labflow.activities.quotas;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which labs fit the account's quotas, in the order given (a fleet's oldest first): a lab fits
 * when, for every quota, what it needs beyond what it already holds fits in what is left. A lab
 * that does not fit is left out and the next is tried, so a lab that already holds its share is
 * never left out by a new one.
 *
 * @param fitting the labs that fit, in order
 * @param leftOut the labs that do not, in order
 * @param shortfalls the quotas that left a lab out
 */
public record QuotaFit(List<String> fitting, List<String> leftOut, List<Shortfall> shortfalls) {

  /**
   * One quota against what the labs asked for need (in {@link #shortfalls}, a quota too small).
   *
   * @param reading the quota as the account stands
   * @param need how many more the labs asked for need beyond what they hold
   * @param fitting how many of those labs fit
   */
  public record Shortfall(QuotaReading reading, int need, int fitting) {

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
   * @param perLab what one lab creates, by quota
   * @param readings the account's quotas and usage (every quota of {@code perLab})
   * @param labs the labs asked for, in order of preference
   * @param allOrNone leave every lab out when one does not fit
   */
  public static QuotaFit of(Map<Quota, Integer> perLab, Map<Quota, QuotaReading> readings,
      List<String> labs, boolean allOrNone) {
    Map<Quota, Integer> room = new EnumMap<>(Quota.class);
    Map<Quota, Integer> need = new EnumMap<>(Quota.class);
    perLab.keySet().forEach(q -> {
      room.put(q, Math.max(0, readings.get(q).limit() - readings.get(q).used()));
      need.put(q, 0);
    });
    List<String> fitting = new ArrayList<>();
    List<String> leftOut = new ArrayList<>();
    Map<Quota, Boolean> short_ = new LinkedHashMap<>();
    for (String lab : labs) {
      Map<Quota, Integer> extra = new EnumMap<>(Quota.class);
      perLab.forEach((q, n) -> extra.put(q, Math.max(0, n - readings.get(q).held(lab))));
      extra.forEach((q, n) -> need.merge(q, n, Integer::sum));
      boolean fits = extra.entrySet().stream().allMatch(e -> e.getValue() <= room.get(e.getKey()));
      if (fits) {
        extra.forEach((q, n) -> room.merge(q, -n, Integer::sum));
        fitting.add(lab);
      } else {
        leftOut.add(lab);
        extra.forEach((q, n) -> {
          if (n > room.get(q)) {
            short_.put(q, true);
          }
        });
      }
    }
    int fitCount = fitting.size();
    if (allOrNone && !leftOut.isEmpty()) {
      leftOut = List.copyOf(labs);
      fitting = List.of();
    }
    List<Shortfall> shortfalls = short_.keySet().stream()
        .map(q -> new Shortfall(readings.get(q), need.get(q), fitCount)).toList();
    return new QuotaFit(List.copyOf(fitting), List.copyOf(leftOut), shortfalls);
  }
}
