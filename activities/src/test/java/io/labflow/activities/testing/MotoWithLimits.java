package io.labflow.activities.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.regions.Region;

/**
 * JUnit 5 extension (a static {@code @RegisterExtension} field) running a {@link MotoProcess} of
 * its own with AWS's limits for one test class, reset before every test, and building SDK clients
 * pointed at it; the shared {@link MotoServer} runs without limits.
 */
public final class MotoWithLimits implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  /** The default test credentials. */
  public static final AwsCredentials KEYS =
      AwsBasicCredentials.create(MotoProcess.ACCESS_KEY, MotoProcess.SECRET_KEY);

  private final String name;
  private final MotoProcess.Limits limits;
  private MotoProcess moto;

  public MotoWithLimits(String name, MotoProcess.Limits limits) {
    this.name = name;
    this.limits = limits;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    moto = MotoProcess.start(name, Tools.forkDir(Path.of("target", "test-logs")), limits);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (moto != null) {
      moto.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    moto.reset();
  }

  /** The running server. */
  public MotoProcess process() {
    return moto;
  }

  /** A client with the default test credentials and the SDK's default configuration. */
  public <B extends AwsClientBuilder<B, C>, C> C client(B builder) {
    return client(builder, KEYS, c -> { });
  }

  /** A client with these credentials and this configuration. */
  public <B extends AwsClientBuilder<B, C>, C> C client(
      B builder, AwsCredentials credentials, Consumer<ClientOverrideConfiguration.Builder> config) {
    return builder.endpointOverride(URI.create(moto.endpoint()))
        .region(Region.of(MotoProcess.REGION))
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .overrideConfiguration(config)
        .build();
  }

  /** A client with the default test credentials that never retries (a test sees every answer). */
  public <B extends AwsClientBuilder<B, C>, C> C noRetry(B builder) {
    return noRetry(builder, KEYS);
  }

  /** The same with these credentials. */
  public <B extends AwsClientBuilder<B, C>, C> C noRetry(B builder, AwsCredentials credentials) {
    return client(builder, credentials, c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
  }

  /** Polls every 200 ms until {@code value} is not {@code busy} (the class timeout bounds it). */
  public static <T> T after(Supplier<T> value, Predicate<T> busy) throws InterruptedException {
    T seen = value.get();
    while (busy.test(seen)) {
      Thread.sleep(200);
      seen = value.get();
    }
    return seen;
  }
}
