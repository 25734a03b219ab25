package io.labflow.activities.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.iam.roles.RoleActivities;
import io.labflow.activities.iam.roles.RoleActivitiesImpl;
import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.lab.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/** The account guard on the worker's clients, against moto (account 123456789012). */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class AccountGuardTest {

  /** Counts what really goes on the wire (after every interceptor's beforeExecution). */
  static final class Sent implements ExecutionInterceptor {
    final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @Override
    public void beforeTransmission(Context.BeforeTransmission c, ExecutionAttributes a) {
      calls.computeIfAbsent(a.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
          k -> new AtomicInteger()).incrementAndGet();
    }
  }

  final Sent sent = new Sent();
  AwsClients clients;

  @AfterEach
  void close() {
    if (clients != null) {
      clients.close();
    }
  }

  private RoleActivities guarded(AccountPolicy policy) {
    AccountGuard guard = new AccountGuard(policy);
    clients = AwsClients.fromEnvironment(
        List.of(guard, sent));
    guard.bind(clients.sts(), clients.iam());
    return (RoleActivities) AwsFailures.around(new RoleActivitiesImpl(new IamEntities(clients)));
  }

  private static CreateRoleInput role(String name) {
    return new CreateRoleInput("lab-1", name, null, null, null, null, null);
  }

  @Test
  void anAccountNotOnTheListIsRefusedBeforeAnyCallButGetCallerIdentity() {
    RoleActivities iam =
        guarded(new AccountPolicy(Set.of("111122223333"), MotoServer.endpoint(), null));

    ApplicationFailure refused =
        catchThrowableOfType(ApplicationFailure.class, () -> iam.createRole(role("labflow-lab-1-role")));
    ApplicationFailure again =
        catchThrowableOfType(ApplicationFailure.class, () -> iam.createRole(role("labflow-lab-1-role")));

    assertThat(refused).isNotNull();
    assertThat(refused.getType()).isEqualTo(FailureTypes.ACCOUNT_NOT_ALLOWED);
    assertThat(refused.isNonRetryable()).isTrue();
    assertThat(refused.getOriginalMessage()).isEqualTo(
        "labflow refuses to act in AWS account 123456789012 (arn:aws:sts::123456789012:user/moto"
            + " on the endpoint " + MotoServer.endpoint() + "): it is not among the allowed"
            + " accounts 111122223333; if it is meant for labs, add it to LABFLOW_ALLOWED_ACCOUNTS"
            + " in the worker's environment.");
    assertThat(again.getOriginalMessage()).isEqualTo(refused.getOriginalMessage());
    // The identity is asked once; nothing else ever reached the endpoint.
    assertThat(sent.calls.keySet()).containsExactly("GetCallerIdentity");
    assertThat(sent.calls.get("GetCallerIdentity").get()).isEqualTo(1);
  }

  @Test
  void anEmptyListOnALocalEndpointAllowsOnlyTheEmulatorsAccount() {
    RoleActivities iam = guarded(new AccountPolicy(Set.of(), MotoServer.endpoint(), null));

    assertThat(iam.createRole(role("labflow-lab-1-role")).roleName()).isEqualTo("labflow-lab-1-role");
    assertThat(iam.deleteRole(new io.labflow.activities.iam.roles.RoleActivities.DeleteRoleInput("lab-1", "labflow-lab-1-role"))
        .deleted()).isTrue();
    assertThat(sent.calls.get("GetCallerIdentity").get()).as("asked once, then cached")
        .isEqualTo(1);
    assertThat(sent.calls.get("ListAccountAliases").get()).isEqualTo(1);
    assertThat(sent.calls.get("CreateRole").get()).isEqualTo(1);
  }

  @Test
  void thePolicyArnsOfTheIamStepsUseTheGuardsIdentityWithoutAskingStsAgain() {
    guarded(new AccountPolicy(Set.of(), MotoServer.endpoint(), null));
    clients.iam().listRoles();

    assertThat(new IamEntities(clients).policyArn("labflow-lab-1-policy"))
        .isEqualTo("arn:aws:iam::123456789012:policy/labflow-lab-1-policy");
    assertThat(sent.calls.get("GetCallerIdentity").get()).isEqualTo(1);
  }

  @Test
  void anAccountOnTheListIsAllowed() {
    RoleActivities iam =
        guarded(new AccountPolicy(Set.of("123456789012"), MotoServer.endpoint(), null));
    assertThat(iam.createRole(role("labflow-lab-1-role")).adopted()).isFalse();
  }

  @Test
  void aProductionLookingAliasIsRefusedUnlessNamed() {
    try (var admin = AwsClients.fromEnvironment()) {
      admin.iam().createAccountAlias(b -> b.accountAlias("acme-prod"));
    }
    RoleActivities iam = guarded(new AccountPolicy(Set.of(), MotoServer.endpoint(), null));
    assertThatThrownBy(() -> iam.createRole(role("labflow-lab-1-role")))
        .isInstanceOfSatisfying(ApplicationFailure.class, f -> {
          assertThat(f.getType()).isEqualTo(FailureTypes.ACCOUNT_NOT_ALLOWED);
          assertThat(f.getOriginalMessage()).isEqualTo(
              "AWS account 123456789012 has the alias 'acme-prod', which looks like production;"
                  + " labflow refuses it. Use a sandbox account, or, if this account is meant for"
                  + " labs, set LABFLOW_ALLOW_PRODUCTION_ALIAS=acme-prod in the worker's environment.");
        });
    assertThat(sent.calls).doesNotContainKey("CreateRole");
    clients.close();

    RoleActivities allowed = guarded(new AccountPolicy(Set.of(), MotoServer.endpoint(), "acme-prod"));
    assertThat(allowed.createRole(role("labflow-lab-1-role")).roleName()).isEqualTo("labflow-lab-1-role");
  }

  @Test
  void realAwsWithAnEmptyListIsRefusedWithTheSentence() {
    AccountPolicy real = new AccountPolicy(Set.of(), null, null);
    assertThat(real.refusal("444455556666", "arn:aws:iam::444455556666:user/ci")).isEqualTo(
        "labflow refuses to act in AWS account 444455556666 (arn:aws:iam::444455556666:user/ci on"
            + " AWS): no account is allowed yet; if this account is meant for labs, set"
            + " LABFLOW_ALLOWED_ACCOUNTS=444455556666 in the worker's environment.");
    assertThat(real.refusal(AccountPolicy.EMULATOR_ACCOUNT, "arn")).as("not on real AWS").isNotNull();
    assertThat(real.describe()).startsWith("AWS accounts allowed: none (LABFLOW_ALLOWED_ACCOUNTS is empty)");
  }

  @Test
  void onlyLiteralLoopbackEndpointsAreLocal() {
    for (String local : List.of("http://127.0.0.1:5000", "http://localhost:4566", "http://[::1]:5000",
        "http://127.1.2.3")) {
      assertThat(new AccountPolicy(Set.of(), local, null).localEndpoint()).as(local).isTrue();
    }
    for (String remote : List.of("https://sts.us-east-1.amazonaws.com", "http://10.0.0.5:5000",
        "http://moto.internal:5000", "not a uri")) {
      assertThat(new AccountPolicy(Set.of(), remote, null).localEndpoint()).as(remote).isFalse();
      assertThat(new AccountPolicy(Set.of(), remote, null).effective()).as(remote).isEmpty();
    }
    assertThat(new AccountPolicy(Set.of(), "http://127.0.0.1:5000", null).describe())
        .isEqualTo("AWS accounts allowed: 123456789012 only (the emulator at http://127.0.0.1:5000;"
            + " LABFLOW_ALLOWED_ACCOUNTS is empty)");
    assertThat(new AccountPolicy(Set.of("222233334444", "111122223333"), null, null).describe())
        .isEqualTo("AWS accounts allowed: 111122223333, 222233334444 (LABFLOW_ALLOWED_ACCOUNTS)");
  }

  @Test
  void aBadEntryInTheListIsAConfigurationError() {
    assertThatThrownBy(() -> new AccountPolicy(Set.of("12345"), null, null))
        .hasMessage("LABFLOW_ALLOWED_ACCOUNTS: '12345' is not a 12-digit AWS account id");
  }
}
