package io.labflow.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * AWS's API rate limits in the local stack ({@code LABFLOW_AWS_RATES}, scripts/lib/moto_rates.py):
 * once an API's token bucket is empty, EC2 answers {@code RequestLimitExceeded} (HTTP 503) and IAM
 * {@code Throttling} (HTTP 400), the SDK's own retry gets through once the bucket refills, the
 * control API counts exactly the throttled answers the clients saw, and changes the rates while
 * moto runs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class MotoRatesTest {

  // One token every 10 s for DescribeVpcs and every 5 s for ListRoles: a bucket emptied by a few
  // calls stays empty for the next one, however slow the machine.
  @RegisterExtension
  static final MotoWithLimits moto = new MotoWithLimits("moto-rates",
      MotoProcess.Limits.NONE.withRates("default,ec2.DescribeVpcs=3/0.1,iam.ListRoles=2/0.2"));

  /** Counts the HTTP attempts and the throttled answers a client saw. */
  private static final class Attempts implements ExecutionInterceptor {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger throttled = new AtomicInteger();

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      sent.incrementAndGet();
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
      int status = context.httpResponse().statusCode();
      if (status == 503 || status == 400) {
        throttled.incrementAndGet();
      }
    }
  }

  private static <B extends AwsClientBuilder<B, C>, C> C client(B builder, RetryStrategy retry, Attempts attempts) {
    return moto.client(builder, MotoWithLimits.KEYS, c -> c.retryStrategy(retry).addExecutionInterceptor(attempts));
  }

  private static AwsServiceException firstRefusal(Runnable call) {
    for (int i = 0; i < 50; i++) {
      try {
        call.run();
      } catch (AwsServiceException e) {
        return e;
      }
    }
    throw new AssertionError("50 calls in a row were never throttled");
  }

  @Test
  void anEmptyBucketAnswersAwsThrottlingErrorsAndTheSdkRetryGetsThrough() throws Exception {
    Attempts ec2Attempts = new Attempts();
    Attempts iamAttempts = new Attempts();
    try (Ec2Client ec2 = client(Ec2Client.builder(), AwsRetryStrategy.doNotRetry(), ec2Attempts);
        IamClient iam = client(IamClient.builder().region(Region.AWS_GLOBAL), AwsRetryStrategy.doNotRetry(),
            iamAttempts)) {
      AwsServiceException ec2Refusal = firstRefusal(ec2::describeVpcs);
      assertThat(ec2Refusal.awsErrorDetails().errorCode()).isEqualTo("RequestLimitExceeded");
      assertThat(ec2Refusal.awsErrorDetails().errorMessage()).isEqualTo("Request limit exceeded.");
      assertThat(ec2Refusal.statusCode()).isEqualTo(503);
      assertThat(ec2Refusal.isThrottlingException()).isTrue();
      assertThat(ec2Attempts.sent.get()).as("the bucket's 3 tokens were used first").isGreaterThanOrEqualTo(4);
      // Another API has its own bucket.
      ec2.describeSubnets();

      AwsServiceException iamRefusal = firstRefusal(iam::listRoles);
      assertThat(iamRefusal.awsErrorDetails().errorCode()).isEqualTo("Throttling");
      assertThat(iamRefusal.awsErrorDetails().errorMessage()).isEqualTo("Rate exceeded");
      assertThat(iamRefusal.statusCode()).isEqualTo(400);
      assertThat(iamRefusal.isThrottlingException()).isTrue();
    }

    Attempts retried = new Attempts();
    RetryStrategy patient = AwsRetryStrategy.standardRetryStrategy().toBuilder()
        .maxAttempts(30)
        .throttlingBackoffStrategy(BackoffStrategy.fixedDelay(Duration.ofMillis(500)))
        .circuitBreakerEnabled(false)
        .build();
    try (IamClient iam = client(IamClient.builder().region(Region.AWS_GLOBAL), patient, retried)) {
      assertThat(iam.listRoles().roles()).isEmpty();
    }
    assertThat(retried.sent.get()).as("the SDK retried the throttled call").isGreaterThan(1);
    assertThat(retried.throttled.get()).isEqualTo(retried.sent.get() - 1);

    assertThat(moto.process().throttled()).isEqualTo(Map.of(
        "ec2.DescribeVpcs", ec2Attempts.throttled.get(),
        "iam.ListRoles", iamAttempts.throttled.get() + retried.throttled.get()));

    // The rates changed while moto runs: a bucket of 0 tokens throttles every call until they
    // change again; a wrong setting is refused and changes nothing; none at all meters nothing.
    Attempts later = new Attempts();
    try (IamClient iam = client(IamClient.builder().region(Region.AWS_GLOBAL), AwsRetryStrategy.doNotRetry(),
        later)) {
      moto.process().rates("iam.ListRoles=0/0");
      AwsServiceException refused = firstRefusal(iam::listRoles);
      assertThat(later.sent.get()).as("throttled from the first call on").isEqualTo(1);
      assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("Throttling");
      assertThatThrownBy(() -> moto.process().rates("iam.ListRoles=fast"))
          .isInstanceOf(IOException.class).hasMessageContaining("400");
      assertThat(firstRefusal(iam::listRoles).isThrottlingException()).isTrue();
      moto.process().rates("");
      for (int i = 0; i < 10; i++) {
        iam.listRoles();
      }
    }
  }
}
