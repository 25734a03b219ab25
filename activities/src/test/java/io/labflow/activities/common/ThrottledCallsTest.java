package io.labflow.activities.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.testing.SdkSettings;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The worker's clients ride out a burst of throttling inside the SDK: an endpoint in this JVM
 * answers the first three attempts of a call as AWS throttles (EC2 {@code RequestLimitExceeded}
 * with HTTP 503, STS {@code Throttling} with HTTP 400), then the answer; and a lab's preflight
 * that meets nothing but throttling fails retryable, for the resolve's retry, not as a lasting
 * fault of the worker's configuration.
 */
@Tag("fast")
class ThrottledCallsTest {

  private static final int THROTTLED = 3;
  private int throttledAttempts = THROTTLED;

  private final AtomicInteger requests = new AtomicInteger();
  private SdkSettings sdk;
  private HttpServer server;
  private int status;
  private String throttled;
  private String answer;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      boolean throttle = requests.incrementAndGet() <= throttledAttempts;
      byte[] body = (throttle ? throttled : answer).getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "text/xml");
      exchange.sendResponseHeaders(throttle ? status : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    sdk = SdkSettings.pointingAt("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterEach
  void stop() {
    server.stop(0);
    sdk.close();
  }

  @Test
  void anEc2CallThrottledThreeTimesSucceedsOnItsFourthAttempt() {
    status = 503;
    throttled = "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit"
        + " exceeded.</Message></Error></Errors><RequestID>r-1</RequestID></Response>";
    answer = "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
        + "<requestId>r-2</requestId><vpcSet/></DescribeVpcsResponse>";
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      assertThat(clients.ec2().describeVpcs().vpcs()).isEmpty();
    }
    assertThat(requests).hasValue(THROTTLED + 1);
  }

  @Test
  void anStsCallThrottledThreeTimesSucceedsOnItsFourthAttempt() {
    status = 400;
    throttled = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate"
        + " exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
    answer = "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        + "<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/w</Arn><UserId>W</UserId>"
        + "<Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata>"
        + "<RequestId>r-2</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      assertThat(clients.sts().getCallerIdentity().account()).isEqualTo("123456789012");
    }
    assertThat(requests).hasValue(THROTTLED + 1);
  }

  /** Before, the sentence read "(, HTTP 400)": an answer without an error code. */
  @Test
  void aPreflightRefusedWithoutAnErrorCodeSaysTheHttpStatusAlone() {
    throttledAttempts = Integer.MAX_VALUE;
    status = 400;
    throttled = "<ErrorResponse><Error><Type>Sender</Type></Error></ErrorResponse>";
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      ApplicationFailure f = catchThrowableOfType(
          () -> new AwsPreflight(clients, new AccountGuard(AccountPolicy.fromEnvironment())
              .bind(clients.sts(), clients.iam())).identity(),
          ApplicationFailure.class);
      assertThat(f).isNotNull();
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage()).isEqualTo("preflight: sts:GetCallerIdentity failed at "
          + System.getProperty("aws.endpointUrl") + " (HTTP 400); check the worker's AWS"
          + " configuration");
    }
  }

  @Test
  void aPreflightThrottledThroughoutFailsRetryableNamingTheThrottling() {
    throttledAttempts = Integer.MAX_VALUE;
    status = 400;
    throttled = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate"
        + " exceeded</Message></Error><RequestId>r-1</RequestId></ErrorResponse>";
    try (AwsClients clients = AwsClients.fromEnvironment()) {
      ApplicationFailure f = catchThrowableOfType(
          () -> new AwsPreflight(clients, new AccountGuard(AccountPolicy.fromEnvironment())
              .bind(clients.sts(), clients.iam())).check("lab-t", List.of(), new AwsPreflight.LabSettings(List.of(), List.of(), List.of())),
          ApplicationFailure.class);
      assertThat(f).isNotNull();
      assertThat(f.isNonRetryable()).as(f.getOriginalMessage()).isFalse();
      // AWS's own answer once the SDK's attempts are spent, or the call's bound if reached first.
      assertThat(f.getType()).isIn("Throttling", FailureTypes.AWS_CLIENT_ERROR);
      assertThat(f.getOriginalMessage()).contains("GetCallerIdentity")
          .doesNotContain("does not answer", "check AWS_ENDPOINT_URL");
    }
  }
}
