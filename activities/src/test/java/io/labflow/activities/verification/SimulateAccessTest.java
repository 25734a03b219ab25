package io.labflow.activities.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.common.AwsFailures;
import io.labflow.activities.testing.MotoServer;
import io.labflow.activities.verification.AccessVerificationActivities.AccessCheck;
import io.labflow.activities.verification.AccessVerificationActivities.VerifyAccessInput;
import io.labflow.activities.verification.AccessVerificationActivities.VerifyAccessOutput;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EvaluationResult;
import software.amazon.awssdk.services.iam.model.SimulatePrincipalPolicyRequest;
import software.amazon.awssdk.services.iam.model.SimulatePrincipalPolicyResponse;

/**
 * {@code simulate} against a scripted IAM policy simulator, since moto has none: the requests
 * labflow sends, and the retry while the simulator still answers with the old policy.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
public class SimulateAccessTest {

  static final String ROLE_ARN = "arn:aws:iam::123456789012:role/labflow-lab-s-role";

  /** Answers like IAM after {@code staleAnswers} answers from before a policy change. */
  public static final class ScriptedSimulator implements IamClient {
    final List<SimulatePrincipalPolicyRequest> requests = new CopyOnWriteArrayList<>();
    final Map<String, String> decisions;
    volatile int staleAnswers;

    public ScriptedSimulator(Map<String, String> decisions, int staleAnswers) {
      this.decisions = decisions;
      this.staleAnswers = staleAnswers;
    }

    @Override
    public SimulatePrincipalPolicyResponse simulatePrincipalPolicy(
        SimulatePrincipalPolicyRequest r) {
      requests.add(r);
      String action = r.actionNames().get(0);
      String decision = decisions.get(action);
      if (action.equals("s3:PutObject") && staleAnswers-- > 0) {
        decision = "implicitDeny";
      }
      return SimulatePrincipalPolicyResponse.builder()
          .evaluationResults(
              EvaluationResult.builder()
                  .evalActionName(action)
                  .evalResourceName(r.resourceArns().get(0))
                  .evalDecision(decision)
                  .build())
          .isTruncated(false)
          .build();
    }

    @Override
    public String serviceName() {
      return "iam";
    }

    @Override
    public void close() {}
  }

  /** The worker's clients with this IAM client instead of theirs (moto has no simulator). */
  public static AwsClients withIam(AwsClients c, IamClient iam) {
    return new AwsClients(c.interceptors(), c.http(), c.cloudFormation(), iam, c.ec2(), c.s3(),
        c.sts(), c.serviceQuotas());
  }

  TestActivityEnvironment env;
  AwsClients clients;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    clients = AwsClients.fromEnvironment();
  }

  @AfterEach
  void tearDown() {
    env.close();
    clients.close();
  }

  private AccessVerificationActivities stub(IamClient iam) {
    env.registerActivitiesImplementations(
        AwsFailures.around(new AccessVerificationActivitiesImpl(withIam(clients, iam))));
    return env.newActivityStub(
        AccessVerificationActivities.class,
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build());
  }

  private static VerifyAccessInput input(List<String> allow, List<String> deny, int budget) {
    return new VerifyAccessInput(
        "lab-s", ROLE_ARN, null, "labflow-lab-s", allow, deny, null, budget);
  }

  @Test
  void simulatesEachActionOnItsOwnResourceAndWaitsForPropagation() {
    ScriptedSimulator iam =
        new ScriptedSimulator(
            Map.of("s3:ListBucket", "allowed", "s3:GetObject", "allowed", "s3:PutObject", "allowed"),
            1);
    List<String> beats = new CopyOnWriteArrayList<>();
    env.setActivityHeartbeatListener(String.class, beats::add);

    VerifyAccessOutput out =
        stub(iam)
            .verifyAccess(
                input(List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject"), List.of(), 30));

    assertThat(out.method()).isEqualTo("simulate");
    assertThat(out.matches()).isTrue();
    assertThat(out.attempts()).isEqualTo(2);
    assertThat(beats).isNotEmpty();
    assertThat(iam.requests)
        .allSatisfy(r -> assertThat(r.policySourceArn()).isEqualTo(ROLE_ARN))
        .anySatisfy(
            r -> {
              assertThat(r.actionNames()).containsExactly("s3:ListBucket");
              assertThat(r.resourceArns()).containsExactly("arn:aws:s3:::labflow-lab-s");
            })
        .anySatisfy(
            r -> {
              assertThat(r.actionNames()).containsExactly("s3:GetObject");
              assertThat(r.resourceArns())
                  .containsExactly("arn:aws:s3:::labflow-lab-s/labflow-probe/lab-s/probe.txt");
            });
  }

  @Test
  void lastingMismatchFailsWithTheMatrix() {
    ScriptedSimulator iam =
        new ScriptedSimulator(
            Map.of(
                "s3:ListBucket", "allowed", "s3:GetObject", "allowed", "s3:PutObject", "allowed"),
            0);
    ApplicationFailure mismatch =
        MotoLabTest.failureOf(
            () ->
                stub(iam)
                    .verifyAccess(
                        input(
                            List.of("s3:ListBucket", "s3:GetObject"), List.of("s3:PutObject"), 1)),
            "AccessMismatch");
    assertThat(mismatch.getOriginalMessage())
        .contains(" attempts over 1s (simulate):\n")
        .contains("MISMATCH s3:PutObject")
        .contains("expected deny, got allow (allowed)");
  }

  @Test
  void matrixCellsCarryTheSimulatorsDecision() {
    ScriptedSimulator iam =
        new ScriptedSimulator(
            Map.of("s3:GetObject", "allowed", "s3:PutObject", "explicitDeny"), 0);
    VerifyAccessOutput out =
        stub(iam).verifyAccess(input(List.of("s3:GetObject"), List.of("s3:PutObject"), 5));
    assertThat(out.matrix())
        .extracting(AccessCheck::action, AccessCheck::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("s3:GetObject", "allowed"),
            org.assertj.core.groups.Tuple.tuple("s3:PutObject", "explicitDeny"));
  }
}
