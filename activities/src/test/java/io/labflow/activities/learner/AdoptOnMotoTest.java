package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.ec2.Ec2Activities.DisassociateInstanceProfileInput;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.policies.PolicyActivities.DeletePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyInput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.DeleteInstanceProfileInput;
import io.labflow.activities.iam.roles.RoleActivities.DeleteRoleInput;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptInstanceProfileInput;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptOutput;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptPolicyInput;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptRoleInput;
import io.labflow.activities.testing.Lab;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The adopt actions on moto with IAM enforced: what a learner made under the lab's names after the
 * lab started is tagged as the lab's and then removed by the undo actions; anything else is
 * refused and left as it was.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class AdoptOnMotoTest extends LearnerActionsOnMoto {

  static final String LAB = "lab-adopt";
  static final String ROLE = "labflow-lab-adopt-role";
  static final String POLICY = "labflow-lab-adopt-s3";
  static final String PROFILE = "labflow-lab-adopt-profile";
  static final String BUCKET = "labflow-lab-adopt-bucket";

  LearnerAccessActivities adopt;

  @BeforeEach
  void stub() {
    adopt = lab.stub(LearnerAccessActivities.class);
  }

  void role(String name) {
    iam.createRole(b -> b.roleName(name)
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null)));
  }

  List<String> roleTags(String name) {
    return iam.listRoleTags(b -> b.roleName(name)).tags().stream()
        .map(t -> t.key() + "=" + t.value()).toList();
  }

  /** Tag calls on the lab's clients (the test's own calls included). */
  int tagCalls() {
    return lab.calls.count("Iam", "TagRole") + lab.calls.count("Iam", "TagPolicy")
        + lab.calls.count("Iam", "TagInstanceProfile");
  }

  @Test
  void whatTheLearnerMadeIsAdoptedOnceThenRemovedByTheUndoActions() {
    String started = Instant.now().toString();
    role(ROLE);
    String boundary = iam.createPolicy(b -> b.policyName("labflow-lab-adopt-boundary")
        .policyDocument(PolicyDocuments.forBucket(BUCKET, WRITE, false))).policy().arn();
    iam.putRolePermissionsBoundary(b -> b.roleName(ROLE).permissionsBoundary(boundary));
    String policy = iam.createPolicy(b -> b.policyName(POLICY)
        .policyDocument(PolicyDocuments.forBucket(BUCKET, READ, true))).policy().arn();
    for (List<String> actions : List.of(READ, WRITE, READ)) {
      iam.createPolicyVersion(b -> b.policyArn(policy).setAsDefault(true)
          .policyDocument(PolicyDocuments.forBucket(BUCKET, actions, false)));
    }
    iam.attachRolePolicy(b -> b.roleName(ROLE).policyArn(policy));
    iam.createInstanceProfile(b -> b.instanceProfileName(PROFILE));
    iam.addRoleToInstanceProfile(b -> b.instanceProfileName(PROFILE).roleName(ROLE));
    String instance = lab.clients.ec2().runInstances(b -> b.imageId("ami-12c6146b")
            .minCount(1).maxCount(1).instanceType("t3.micro")
            .tagSpecifications(t -> t.resourceType("instance").tags(
                x -> x.key("labflow:lab").value(LAB),
                x -> x.key("labflow:namespace").value(Lab.NAMESPACE))))
        .instances().get(0).instanceId();
    lab.clients.ec2().associateIamInstanceProfile(b -> b.instanceId(instance)
        .iamInstanceProfile(s -> s.name(PROFILE)));

    AdoptOutput r = adopt.adoptRole(new AdoptRoleInput(LAB, ROLE, started, null));
    assertThat(r).isEqualTo(new AdoptOutput(iam.getRole(b -> b.roleName(ROLE)).role().arn(), true));
    assertThat(roleTags(ROLE)).containsExactly(
        "labflow:lab=" + LAB, "labflow:namespace=" + Lab.NAMESPACE);
    assertThat(adopt.adoptRole(new AdoptRoleInput(LAB, ROLE, started, null)).tagged()).isFalse();
    assertThat(adopt.adoptPolicy(new AdoptPolicyInput(LAB, POLICY, started, null)))
        .isEqualTo(new AdoptOutput(policy, true));
    assertThat(adopt.adoptPolicy(new AdoptPolicyInput(LAB, POLICY, started, null)).tagged())
        .isFalse();
    AdoptOutput p =
        adopt.adoptInstanceProfile(new AdoptInstanceProfileInput(LAB, PROFILE, started, null));
    assertThat(p.tagged()).isTrue();
    assertThat(p.arn()).endsWith(":instance-profile/" + PROFILE);
    assertThat(adopt.adoptInstanceProfile(
        new AdoptInstanceProfileInput(LAB, PROFILE, started, null)).tagged()).isFalse();
    assertThat(tagCalls()).isEqualTo(3);

    // The adopt steps' compensations, newest first.
    assertThat(lab.ec2.disassociateInstanceProfile(
        new DisassociateInstanceProfileInput(LAB, instance, PROFILE)).deleted()).isTrue();
    assertThat(lab.iam.detachRolePolicy(new RolePolicyInput(LAB, ROLE, policy, null)).changed())
        .isTrue();
    assertThat(lab.iam.deleteInstanceProfile(new DeleteInstanceProfileInput(LAB, PROFILE))
        .deleted()).isTrue();
    assertThat(lab.iam.deletePolicy(new DeletePolicyInput(LAB, policy, null)).deleted()).isTrue();
    assertThat(lab.iam.deleteRole(new DeleteRoleInput(LAB, ROLE)).deleted()).isTrue();
    assertThat(iam.listRoles().roles()).isEmpty();
    assertThat(iam.listInstanceProfiles().instanceProfiles()).isEmpty();
    // Only the boundary, which nobody adopted, is left.
    assertThat(iam.listPolicies(b -> b.scope("Local")).policies())
        .extracting(x -> x.policyName()).containsExactly("labflow-lab-adopt-boundary");
  }

  @Test
  void aRoleAndAProfileHeldTogetherAreRemovedRoleFirstToo() {
    String started = Instant.now().toString();
    role(ROLE);
    iam.createInstanceProfile(b -> b.instanceProfileName(PROFILE));
    iam.addRoleToInstanceProfile(b -> b.instanceProfileName(PROFILE).roleName(ROLE));
    adopt.adoptRole(new AdoptRoleInput(LAB, ROLE, started, null));
    adopt.adoptInstanceProfile(new AdoptInstanceProfileInput(LAB, PROFILE, started, null));
    assertThat(lab.iam.deleteRole(new DeleteRoleInput(LAB, ROLE)).deleted()).isTrue();
    assertThat(lab.iam.deleteInstanceProfile(new DeleteInstanceProfileInput(LAB, PROFILE))
        .deleted()).isTrue();
    assertThat(iam.listRoles().roles()).isEmpty();
    assertThat(iam.listInstanceProfiles().instanceProfiles()).isEmpty();
  }

  @Test
  void whatIsNotTheLearnersIsRefusedAndLeftAsItWas() {
    role(ROLE);
    String later = Instant.now().plus(1, ChronoUnit.HOURS).toString();
    String message = failureOf(() -> adopt.adoptRole(new AdoptRoleInput(LAB, ROLE, later, null)),
        "NotOwned").getOriginalMessage();
    assertThat(message).startsWith("role " + ROLE + " was created at ")
        .endsWith(", before this lab started (" + later + "); labflow does not adopt it");
    assertThat(roleTags(ROLE)).isEmpty();

    String started = Instant.now().minus(1, ChronoUnit.HOURS).toString();
    iam.tagRole(b -> b.roleName(ROLE).tags(t -> t.key("labflow:lab").value("lab-other")));
    assertThat(failureOf(() -> adopt.adoptRole(new AdoptRoleInput(LAB, ROLE, started, null)),
        "NotOwned").getOriginalMessage()).isEqualTo("role " + ROLE + " carries the tag"
            + " labflow:lab=lab-other of another lab (or namespace); labflow does not adopt it");
    assertThat(roleTags(ROLE)).containsExactly("labflow:lab=lab-other");

    role("someone-elses-role");
    assertThat(failureOf(() -> adopt.adoptRole(
        new AdoptRoleInput(LAB, "someone-elses-role", started, null)), "NotOwned")
        .getOriginalMessage())
        .isEqualTo("role someone-elses-role is not named for lab " + LAB
            + " (labflow-lab-adopt-...); labflow does not adopt it");
    assertThat(roleTags("someone-elses-role")).isEmpty();
    iam.createPolicy(b -> b.policyName("labflow-lab-other-s3")
        .policyDocument(PolicyDocuments.forBucket(BUCKET, READ, false)));
    assertFailure(() -> adopt.adoptPolicy(
        new AdoptPolicyInput(LAB, "labflow-lab-other-s3", started, null)), "NotOwned");

    assertThat(failureOf(() -> adopt.adoptInstanceProfile(
        new AdoptInstanceProfileInput(LAB, PROFILE, started, null)), "NotFound")
        .getOriginalMessage())
        .isEqualTo("instance profile " + PROFILE + " does not exist");
    assertFailure(() -> adopt.adoptPolicy(new AdoptPolicyInput(LAB, POLICY, started, null)),
        "NotFound");
    assertFailure(() -> adopt.adoptRole(new AdoptRoleInput(LAB, ROLE, "yesterday", null)),
        "InvalidInput");
    // ifExists (a solve that makes the resource): missing is nothing to do; the rule still holds.
    assertThat(adopt.adoptInstanceProfile(
        new AdoptInstanceProfileInput(LAB, PROFILE, started, true)))
        .isEqualTo(new AdoptOutput(null, false));
    assertFailure(() -> adopt.adoptRole(
        new AdoptRoleInput(LAB, "someone-elses-role", started, true)), "NotOwned");
    // The test's own tag of another lab's role, none by the adopt actions.
    assertThat(tagCalls()).isEqualTo(1);
  }
}
