package io.labflow.activities.quotas;

import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.common.Tags;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.iam.model.SummaryKeyType;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;

/**
 * Reads, for some quotas, the value that applies to the account (Service Quotas {@code
 * GetServiceQuota}, else {@code GetAWSDefaultServiceQuota}, else AWS's documented default with a
 * note) and the current usage ({@code DescribeVpcs}, {@code DescribeInternetGateways}, {@code
 * DescribeAddresses}, {@code iam:GetAccountSummary}), with what each lab holds where AWS's answer
 * carries the resources' tags.
 */
public final class AccountQuotas {

  private final AwsClients clients;
  private final Function<String, RuntimeException> failed;

  /** @param failed turns a sentence into the caller's failure (a usage that cannot be read) */
  public AccountQuotas(AwsClients clients, Function<String, RuntimeException> failed) {
    this.clients = clients;
    this.failed = failed;
  }

  /** The value and usage of each of these quotas. */
  public Map<Quota, QuotaReading> read(Set<Quota> quotas) {
    Map<Quota, QuotaReading> out = new EnumMap<>(Quota.class);
    Map<SummaryKeyType, Integer> summary = null;
    for (Quota q : quotas) {
      Limit limit = limit(q);
      Map<String, Integer> held = new HashMap<>();
      int used = switch (q) {
        case VPCS -> ec2Count("ec2:DescribeVpcs", () -> clients.ec2().describeVpcsPaginator()
            .vpcs().stream().map(v -> v.tags()).toList(), held);
        case INTERNET_GATEWAYS -> ec2Count("ec2:DescribeInternetGateways",
            () -> clients.ec2().describeInternetGatewaysPaginator().internetGateways().stream()
                .map(g -> g.tags()).toList(), held);
        case ELASTIC_IPS -> ec2Count("ec2:DescribeAddresses",
            () -> clients.ec2().describeAddresses().addresses().stream().map(a -> a.tags()).toList(),
            held);
        case ROLES, POLICIES, INSTANCE_PROFILES -> {
          if (summary == null) {
            summary = accountSummary();
          }
          yield summary.getOrDefault(switch (q) {
            case ROLES -> SummaryKeyType.ROLES;
            case POLICIES -> SummaryKeyType.POLICIES;
            default -> SummaryKeyType.INSTANCE_PROFILES;
          }, 0);
        }
      };
      out.put(q, new QuotaReading(q, limit.value(), limit.note(), used, held));
    }
    return out;
  }

  private record Limit(int value, String note) {}

  /** The applied value, else AWS's default from Service Quotas, else the documented default. */
  private Limit limit(Quota q) {
    ServiceQuotasClient sq = clients.serviceQuotas();
    String first;
    try {
      return new Limit((int) Math.floor(sq.getServiceQuota(
          b -> b.serviceCode(q.serviceCode()).quotaCode(q.code())).quota().value()), null);
    } catch (AwsServiceException | NullPointerException e) {
      first = answer(e);
    } catch (SdkException e) {
      first = e.getClass().getSimpleName();
    }
    try {
      return new Limit((int) Math.floor(sq.getAWSDefaultServiceQuota(
          b -> b.serviceCode(q.serviceCode()).quotaCode(q.code())).quota().value()),
          "AWS's default from Service Quotas; GetServiceQuota answered " + first);
    } catch (AwsServiceException | NullPointerException e) {
      return documented(q, first, answer(e));
    } catch (SdkException e) {
      return documented(q, first, e.getClass().getSimpleName());
    }
  }

  private static Limit documented(Quota q, String first, String second) {
    return new Limit(q.awsDefault(), "AWS's documented default: Service Quotas answered " + first
        + (first.equals(second) ? "" : " and " + second));
  }

  private static String answer(RuntimeException e) {
    return e instanceof AwsServiceException a ? AwsFailures.errorCode(a) : "no value";
  }

  private int ec2Count(String action, java.util.function.Supplier<List<List<Tag>>> call,
      Map<String, Integer> held) {
    List<List<Tag>> tags;
    try {
      tags = call.get();
    } catch (AwsServiceException e) {
      throw failed.apply("cannot read the quota usage: " + action + " answered "
          + AwsFailures.errorCode(e) + "; the worker needs that permission");
    }
    for (List<Tag> t : tags) {
      t.stream().filter(x -> Tags.LAB_TAG.equals(x.key())).findFirst()
          .ifPresent(x -> held.merge(x.value(), 1, Integer::sum));
    }
    return tags.size();
  }

  private Map<SummaryKeyType, Integer> accountSummary() {
    try {
      return clients.iam().getAccountSummary().summaryMap();
    } catch (AwsServiceException e) {
      throw failed.apply("cannot read the quota usage: iam:GetAccountSummary answered "
          + AwsFailures.errorCode(e) + "; the worker needs that permission");
    }
  }
}
