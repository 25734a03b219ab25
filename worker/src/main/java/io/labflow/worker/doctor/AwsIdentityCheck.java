package io.labflow.worker.doctor;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.regions.Region;

/** Who labflow acts as, in which account, whether the account guard allows it, region, endpoint. */
final class AwsIdentityCheck implements Check {

  @Override
  public List<Row> rows(Setting s) {
    List<Row> rows = new ArrayList<>();
    if (s.aws() == null) {
      rows.add(Row.fail("AWS region", s.clientProblem(),
          "set AWS_REGION (or a profile's region) in the worker's environment"));
      return rows;
    }
    Region region = s.aws().clients().sts().serviceClientConfiguration().region();
    rows.add(Row.ok("AWS region and endpoint", region.id() + " at " + s.endpoint()));
    if (s.identity() == null) {
      rows.add(Row.fail("AWS identity", s.identityProblem(), null));
      rows.add(Row.unknown("account guard", "sts:GetCallerIdentity did not answer, so the account"
          + " is unknown (" + s.aws().guard().policy().describe() + ")"));
      return rows;
    }
    rows.add(Row.ok("AWS identity",
        s.identity().arn() + " (account " + s.identity().account() + ")"));
    if (s.refusal() != null) {
      rows.add(Row.fail("account guard", s.refusal(), null));
    } else {
      rows.add(Row.ok("account guard", "account " + s.identity().account() + " is allowed: "
          + s.aws().guard().policy().describe()));
    }
    return rows;
  }
}
