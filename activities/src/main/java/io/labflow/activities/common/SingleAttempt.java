package io.labflow.activities.common;

import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkPlugin;

/**
 * A per-request plugin that turns the SDK's own retries off for one call that is not idempotent
 * and has no client token ({@code CreatePolicyVersion}): if AWS did the work and its answer was
 * lost (a 500, a dropped connection), an SDK retry would do it a second time. Without SDK retries
 * the failure reaches Temporal, whose retry of the activity first looks at what exists and adopts
 * it.
 */
public final class SingleAttempt {

  public static final SdkPlugin PLUGIN =
      config -> config.overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));

  private SingleAttempt() {}
}
