package io.labflow.activities.common;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.servicequotas.ServiceQuotasClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The AWS clients of one worker, built once and shared by every activity.
 *
 * <p>Credentials, region and endpoint come only from the SDK's standard configuration: the default
 * credential chain, the default region chain ({@code AWS_REGION}, {@code aws.region}, profile) and
 * {@code AWS_ENDPOINT_URL} / {@code aws.endpointUrl} (which the SDK honours natively, so an
 * emulator is reached without any labflow-specific flag).
 */
public record AwsClients(List<ExecutionInterceptor> interceptors, SdkHttpClient http,
    CloudFormationClient cloudFormation, IamClient iam, Ec2Client ec2, S3Client s3, StsClient sts,
    ServiceQuotasClient serviceQuotas) implements AutoCloseable {

  /** Bound on one API call, the SDK's own retries included. */
  static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(60);
  /** Bound on one HTTP attempt. */
  static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Names the failed AWS operation on its exception, since SDK exceptions do not say which call
   * failed; {@link AwsFailures} reads it back to put it in the failure message.
   */
  private static final ExecutionInterceptor OPERATION_NAMES = new ExecutionInterceptor() {
    @Override
    public Throwable modifyException(Context.FailedExecution context, ExecutionAttributes attrs) {
      Throwable t = context.exception();
      String operation = attrs.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
      if (operation != null && AwsFailures.operationOf(t) == null) {
        t.addSuppressed(
            new Operation(attrs.getAttribute(SdkExecutionAttribute.SERVICE_NAME), operation));
      }
      return t;
    }
  };

  /**
   * Marker of the failed operation, attached as a suppressed exception: no stack trace, never
   * thrown.
   */
  static final class Operation extends RuntimeException {
    final String service;
    final String operation;

    Operation(String service, String operation) {
      super("AWS operation " + service + "." + operation, null, false, false);
      this.service = service;
      this.operation = operation;
    }
  }

  /** Attempts of one AWS call in the SDK, the first included (see {@link #retryStrategy}). */
  static final int MAX_ATTEMPTS = 6;

  public static AwsClients fromEnvironment() {
    return fromEnvironment(List.of());
  }

  /** @param interceptors added to every client after the one naming operations (metrics, counts) */
  public static AwsClients fromEnvironment(List<ExecutionInterceptor> interceptors) {
    SdkHttpClient http = ApacheHttpClient.builder().maxConnections(50).build();
    return new AwsClients(interceptors, http,
        client(CloudFormationClient.builder(), http, interceptors),
        client(IamClient.builder(), http, interceptors),
        client(Ec2Client.builder(), http, interceptors),
        client(S3Client.builder(), http, interceptors),
        client(StsClient.builder(), http, interceptors),
        client(ServiceQuotasClient.builder(), http, interceptors));
  }

  private static <B extends AwsSyncClientBuilder<B, C> & SdkClientBuilder<B, C>, C> C client(
      B builder, SdkHttpClient http, List<ExecutionInterceptor> interceptors) {
    ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder()
        .apiCallTimeout(API_CALL_TIMEOUT).apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
        .retryStrategy(retryStrategy()).addExecutionInterceptor(OPERATION_NAMES);
    interceptors.forEach(o::addExecutionInterceptor);
    return builder.httpClient(http).overrideConfiguration(o.build()).build();
  }

  /**
   * A fresh retry strategy for one client: the SDK's adaptive mode with {@value #MAX_ATTEMPTS}
   * attempts instead of its 3. Adaptive because all the labs of a worker share its one client per
   * service and the account's rate limits; six attempts ride out a burst of throttling inside the
   * SDK instead of failing the activity attempt (docs/aws.md, "Throttling").
   */
  static RetryStrategy retryStrategy() {
    return AwsRetryStrategy.adaptiveRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build();
  }

  /**
   * Makes the SDK send a call once: for a call that is neither idempotent nor takes a client
   * token, whose SDK retry after a lost answer would do the work twice or fail on the work done
   * (EC2's AssociateIamInstanceProfile answers IncorrectState, IAM's
   * AddRoleToInstanceProfile LimitExceeded). The activity's retry reads first.
   */
  public static void sentOnce(AwsRequestOverrideConfiguration.Builder o) {
    o.addPlugin(
        c -> c.overrideConfiguration(oc -> oc.retryStrategy(AwsRetryStrategy.doNotRetry())));
  }

  /**
   * An S3 client acting with other (temporary) credentials, sharing this holder's HTTP client.
   * The caller closes it; closing it leaves the shared HTTP client open.
   */
  public S3Client s3As(AwsCredentialsProvider credentials) {
    return client(S3Client.builder().credentialsProvider(credentials), http, interceptors);
  }

  @Override
  public void close() {
    Stream.of(cloudFormation, iam, ec2, s3, sts, serviceQuotas, http)
        .forEach(SdkAutoCloseable::close);
  }
}
