package io.labflow.worker.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import io.labflow.worker.doctor.PermissionCheck.SimulatorRequests;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.ContextEntry;
import software.amazon.awssdk.services.iam.model.ContextKeyTypeEnum;

/**
 * The simulator requests doctor asks for the shipped worker policy: each statement's actions on a
 * resource inside each ARN pattern, with the context its condition needs, as labflow's requests
 * carry it.
 */
@Tag("fast")
class SimulatorRequestsTest {

  static Map<String, SimulatorRequests.Request> shipped() throws Exception {
    return SimulatorRequests.of(Files.readString(
            Tools.repoRoot().resolve("definitions/worker-policy.json"))).stream()
        .collect(Collectors.toMap(SimulatorRequests.Request::sid, Function.identity()));
  }

  @Test
  void everyConditionGetsTheContextThatSatisfiesItAndEveryPatternASampleResource() throws Exception {
    Map<String, SimulatorRequests.Request> requests = shipped();

    SimulatorRequests.Request pass = requests.get("PassLabRolesToEc2Only");
    assertThat(pass.actions()).containsExactly("iam:PassRole");
    assertThat(pass.resources()).containsExactly("arn:aws:iam::doctor:role/labflow-doctor");
    assertThat(pass.context()).containsExactly(entry("iam:PassedToService",
        ContextKeyTypeEnum.STRING, "ec2.amazonaws.com"));

    assertThat(requests.get("CreateLabRoles").context()).containsExactly(
        entry("aws:RequestTag/labflow:lab", ContextKeyTypeEnum.STRING, "doctor"));
    assertThat(requests.get("AttachOnlyLabPoliciesToLabRoles").context()).containsExactlyInAnyOrder(
        entry("aws:ResourceTag/labflow:lab", ContextKeyTypeEnum.STRING, "doctor"),
        entry("iam:PolicyARN", ContextKeyTypeEnum.STRING, "arn:aws:iam::doctor:policy/labflow-doctor"));
    assertThat(requests.get("Ec2ThroughCloudFormationOnly").context()).containsExactly(
        entry("aws:CalledVia", ContextKeyTypeEnum.STRING_LIST, "cloudformation.amazonaws.com"));
    assertThat(requests.get("DetachLabPoliciesFromAnyPrincipal").resources()).containsExactly(
        "arn:aws:iam::doctor:role/doctor", "arn:aws:iam::doctor:user/doctor",
        "arn:aws:iam::doctor:group/doctor");

    SimulatorRequests.Request any = requests.get("NoResourceLevelPermissions");
    assertThat(any.actions()).contains("sts:GetCallerIdentity", "iam:ListAccountAliases");
    assertThat(any.resources()).isEmpty();
    assertThat(any.context()).isEmpty();
  }

  static ContextEntry entry(String key, ContextKeyTypeEnum type, String... values) {
    return ContextEntry.builder().contextKeyName(key).contextKeyType(type)
        .contextKeyValues(List.of(values)).build();
  }
}
