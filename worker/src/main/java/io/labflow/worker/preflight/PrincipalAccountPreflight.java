package io.labflow.worker.preflight;

import io.labflow.workflows.definition.PrincipalArns;
import io.labflow.workflows.lab.FailureTypes;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.ParameterDef;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A principal ARN parameter ({@code format: arn}) must be in a known account: the worker's own
 * (asked of STS once, and only when a lab sets such a parameter) or one the definition lists in
 * {@code accounts}. Anything else ends the run before any resource exists.
 */
public final class PrincipalAccountPreflight implements Preflight {

  private final Supplier<String> ownAccount;
  private volatile String cached;

  /** @param ownAccount the worker's account id (for example from sts:GetCallerIdentity) */
  public PrincipalAccountPreflight(Supplier<String> ownAccount) {
    this.ownAccount = ownAccount;
  }

  @Override
  public void check(String labId, ResolvedLab lab) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ParameterDef> e : lab.definition().parameters().entrySet()) {
      ParameterDef def = e.getValue();
      Object value = lab.parameters() == null ? null : lab.parameters().get(e.getKey());
      if (!def.isArn() || !(value instanceof String arn)) {
        continue;
      }
      String account = PrincipalArns.account(arn).orElse(null);
      if (account == null) {
        continue; // The binder has already rejected a malformed ARN.
      }
      List<String> others = def.accounts() == null ? List.of() : def.accounts();
      if (others.contains(account)) {
        continue;
      }
      String own = own();
      if (!account.equals(own)) {
        problems.add("request: parameters." + e.getKey() + ": parameter '" + e.getKey()
            + "' names a principal of account " + account + ", but the worker runs in account "
            + own + (others.isEmpty()
                ? " and the definition allows no other (list it under accounts)"
                : " and the definition allows only " + String.join(", ", others)));
      }
    }
    if (!problems.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure(
          String.join("\n", problems), FailureTypes.INVALID_REQUEST);
    }
  }

  private String own() {
    String a = cached;
    if (a == null) {
      a = ownAccount.get();
      cached = a;
    }
    return a;
  }
}
