package io.labflow.worker.preflight;

import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AwsFailures;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.ResolvedLab;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The account guard as the first preflight check: a lab whose worker is in an account that is not
 * allowed fails in the resolve activity, before its first step, having called only
 * {@code sts:GetCallerIdentity}. The guard on the clients refuses the same account on every later
 * call too, so nothing can bypass it.
 */
public final class AccountPreflight implements Preflight {

  private final AccountGuard guard;

  public AccountPreflight(AccountGuard guard) {
    this.guard = guard;
  }

  @Override
  public void check(String labId, ResolvedLab lab) {
    try {
      guard.verify();
    } catch (SdkException e) {
      // STS unreachable or throttled: retried like any AWS failure, by the one mapping table.
      throw AwsFailures.map(e);
    }
  }
}
