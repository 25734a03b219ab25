package io.labflow.activities.quotas;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.quotas.QuotaFit.Reading;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.Vpc;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;

/**
 * Reads, for some quotas, the value that applies to the account and the current usage, with what
 * each lab holds where AWS's answer carries the resources' tags.
 *
 * <p>The value: Service Quotas' applied value ({@code GetServiceQuota}); when it has none (AWS
 * keeps applied values only for some quotas) IAM's own figure from {@code iam:GetAccountSummary},
 * else AWS's documented default, with a note saying which. {@code GetAWSDefaultServiceQuota} would
 * answer the same documented default and is not called: the worker policy is at IAM's size limit.
 * The usage: {@code ec2:DescribeVpcs}, {@code ec2:DescribeInternetGateways}, {@code
 * iam:GetAccountSummary}; a usage that cannot be read fails the preflight, naming the permission
 * (throttling or a server fault fails it retryably, as the preflight's other reads).
 */
public record AccountQuotas(AwsClients clients) {

  /** Where {@code iam:GetAccountSummary} counts the IAM quotas' usage. */
  private static final Map<Quota, String> SUMMARY_KEYS = Map.of(Quota.ROLES, "Roles",
      Quota.POLICIES, "Policies", Quota.INSTANCE_PROFILES, "InstanceProfiles");

  public Map<Quota, Reading> read(Set<Quota> quotas) {
    Map<Quota, Reading> out = new EnumMap<>(Quota.class);
    Ec2Client ec2 = clients.ec2();
    Map<String, Integer> summary = null;
    for (Quota q : quotas) {
      Map<String, Integer> held = new HashMap<>();
      String key = SUMMARY_KEYS.get(q);
      int used;
      Integer iamQuota = null;
      if (q == Quota.VPCS) {
        used = tagged("ec2:DescribeVpcs",
            () -> ec2.describeVpcsPaginator().vpcs().stream().map(Vpc::tags).toList(), held);
      } else if (q == Quota.INTERNET_GATEWAYS) {
        used = tagged("ec2:DescribeInternetGateways", () -> ec2.describeInternetGatewaysPaginator()
            .internetGateways().stream().map(InternetGateway::tags).toList(), held);
      } else {
        summary = summary != null ? summary
            : usage("iam:GetAccountSummary",
                () -> clients.iam().getAccountSummary().summaryMapAsStrings());
        used = summary.getOrDefault(key, 0);
        iamQuota = summary.get(key + "Quota");
      }
      out.put(q, reading(q, used, held, iamQuota));
    }
    return out;
  }

  private Reading reading(Quota q, int used, Map<String, Integer> held, Integer iamQuota) {
    ServiceQuotasClient sq = clients.serviceQuotas();
    String answer;
    try {
      Double value = sq.getServiceQuota(b -> b.serviceCode(q.serviceCode).quotaCode(q.code))
          .quota().value();
      if (value != null) {
        return new Reading(q, (int) Math.floor(value), null, used, held);
      }
      answer = "no value";
    } catch (AwsServiceException e) {
      answer = AwsFailures.answered(e);
    } catch (SdkException e) {
      answer = e.getClass().getSimpleName();
    }
    String why = "Service Quotas answered " + answer;
    return iamQuota != null
        ? new Reading(q, iamQuota, "from iam:GetAccountSummary; " + why, used, held)
        : new Reading(q, q.awsDefault, "AWS's documented default; " + why, used, held);
  }

  private int tagged(String action, Supplier<List<List<Tag>>> call, Map<String, Integer> held) {
    List<List<Tag>> tags = usage(action, call);
    tags.stream().flatMap(t -> t.stream().filter(x -> Tags.LAB_TAG.equals(x.key())).limit(1))
        .forEach(x -> held.merge(x.value(), 1, Integer::sum));
    return tags.size();
  }

  /** The usage {@code call} reads; throttled or a server fault, the caller's retry reads again. */
  static <T> T usage(String action, Supplier<T> call) {
    return AwsPreflight.read("cannot read the quota usage", action, call);
  }
}
