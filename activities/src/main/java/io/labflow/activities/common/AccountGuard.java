package io.labflow.activities.common;

import io.labflow.workflows.lab.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Lets the worker act only in the AWS accounts its configuration allows ({@link AccountPolicy}).
 *
 * <p>As an execution interceptor on every client of the worker it refuses any AWS call (other than
 * its own {@code sts:GetCallerIdentity} and {@code iam:ListAccountAliases}) before it is sent,
 * unless the caller's account has been verified: so no activity, compensation or sweep can
 * bypass it. The identity is asked of STS once per worker and cached, the one read of it the
 * worker makes (the preflight asks {@link #identity}); the verdict is recomputed from the cached
 * facts, so a refused worker keeps refusing with one STS call in all.
 *
 * <p>Like aws-nuke it also refuses an account whose alias contains {@code prod}, unless that exact
 * alias is named in {@link AccountPolicy#ALLOW_ALIAS_ENV}.
 */
public final class AccountGuard implements ExecutionInterceptor {

  public record Identity(String account, String arn) {}

  /**
   * Bound on each call before a lab's first step (the identity, the preflight's), SDK retries
   * included: long enough for the clients' backoff on throttling (about 15 s), within the
   * resolve's 30 s per attempt.
   */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(25);

  private static final Set<String> OWN_CALLS = Set.of("GetCallerIdentity", "ListAccountAliases");

  private final AccountPolicy policy;
  private volatile StsClient sts;
  private volatile IamClient iam;
  private Identity identity;
  private List<String> aliases;

  public AccountGuard(AccountPolicy policy) {
    this.policy = policy;
  }

  /** Gives the guard the clients it asks (the worker's own, so its calls are counted). */
  public AccountGuard bind(StsClient sts, IamClient iam) {
    this.sts = sts;
    this.iam = iam;
    return this;
  }

  /**
   * The guard on these clients, whose identity is the worker's one read of it; on clients built
   * without one (tests), a guard that only reads their identity.
   */
  public static AccountGuard of(AwsClients clients) {
    return clients.interceptors().stream().filter(AccountGuard.class::isInstance)
        .map(AccountGuard.class::cast).findFirst()
        .orElseGet(() -> new AccountGuard(null).bind(clients.sts(), clients.iam()));
  }

  public AccountPolicy policy() {
    return policy;
  }

  /**
   * The caller's verified identity.
   *
   * @throws ApplicationFailure non-retryable {@link FailureTypes#ACCOUNT_NOT_ALLOWED}, with the
   *     sentence that says how to allow the account
   * @throws software.amazon.awssdk.core.exception.SdkException when STS or IAM cannot be asked
   */
  public Identity verify() {
    Identity id = identity();
    String refusal = policy.refusal(id.account(), id.arn());
    if (refusal == null) {
      refusal = policy.aliasRefusal(id.account(), aliases(id));
    }
    if (refusal != null) {
      throw AwsFailures.nonRetryable(refusal, FailureTypes.ACCOUNT_NOT_ALLOWED);
    }
    return id;
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attrs) {
    if (!OWN_CALLS.contains(attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
      verify();
    }
  }

  /**
   * Who the worker is, asked of STS on first use and cached.
   *
   * @throws software.amazon.awssdk.core.exception.SdkException when STS cannot be asked
   */
  public synchronized Identity identity() {
    if (identity == null) {
      var who = sts.getCallerIdentity(
          b -> b.overrideConfiguration(o -> o.apiCallTimeout(CALL_TIMEOUT)));
      identity = new Identity(who.account(), who.arn());
    }
    return identity;
  }

  private synchronized List<String> aliases(Identity id) {
    if (aliases == null) {
      try {
        aliases = iam.listAccountAliasesPaginator(b -> {}).accountAliases().stream().toList();
      } catch (SdkServiceException e) {
        if (e.statusCode() != 403) {
          throw e;
        }
        throw AwsFailures.nonRetryable("labflow cannot read the aliases of AWS account "
            + id.account() + " (" + id.arn() + " may not call iam:ListAccountAliases), so it"
            + " cannot tell whether the account is production; grant iam:ListAccountAliases (it"
            + " is in `labflow worker-policy`).", FailureTypes.ACCOUNT_NOT_ALLOWED);
      }
    }
    return aliases;
  }
}
