package io.labflow.activities.iam;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyVersionInput;
import io.labflow.activities.iam.policies.PolicyActivities.DeletePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.PolicyOutput;
import io.labflow.activities.iam.policies.PolicyActivities.PolicyVersionOutput;
import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyInput;
import io.labflow.activities.iam.policies.PolicyActivities.RolePolicyOutput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.CreateInstanceProfileInput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.DeleteInstanceProfileInput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.InstanceProfileOutput;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.iam.roles.RoleActivities.DeleteRoleInput;
import io.labflow.activities.iam.roles.RoleActivities.RoleOutput;
import io.labflow.activities.model.DeleteOutput;
import io.labflow.activities.testing.FaultInjector;
import io.labflow.activities.testing.Lab;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.iam.IamClient;

@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class IamActivitiesTest extends MotoLabTest {

  static final String LAB = "lab-iam";
  static final String BUCKET = "labflow-lab-iam-bucket";

  IamClient iam;

  @BeforeEach
  void setUp() {
    iam = lab.clients.iam();
  }

  private RoleOutput createRole(String name) {
    return lab.iam.createRole(new CreateRoleInput(LAB, name, null, null, null, "lab role", null));
  }

  @Test
  void createRoleTwiceAdoptsWithoutDuplicate() {
    RoleOutput first = createRole("labflow-lab-iam-role");
    RoleOutput second = createRole("labflow-lab-iam-role");
    assertThat(first.adopted()).isFalse();
    assertThat(second.adopted()).isTrue();
    assertThat(second.roleArn()).isEqualTo(first.roleArn());
    assertThat(lab.calls.count("Iam", "CreateRole")).isEqualTo(1);
    assertThat(iam.listRoles().roles()).hasSize(1);
    String trust = iam.getRole(b -> b.roleName("labflow-lab-iam-role")).role().assumeRolePolicyDocument();
    assertThat(PolicyDocuments.parse(trust).toString()).contains("ec2.amazonaws.com");
    assertThat(iam.listRoleTags(b -> b.roleName("labflow-lab-iam-role")).tags())
        .anyMatch(t -> t.key().equals("labflow:lab") && t.value().equals(LAB));
  }

  @Test
  void roleOfAnotherOwnerIsNeitherAdoptedNorDeleted() {
    iam.createRole(
        b ->
            b.roleName("someone-elses-role")
                .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null)));
    String theirs =
        iam.createPolicy(
                b ->
                    b.policyName("someone-elses-policy")
                        .policyDocument(PolicyDocuments.forBucket(BUCKET, READ, false)))
            .policy()
            .arn();
    iam.attachRolePolicy(b -> b.roleName("someone-elses-role").policyArn(theirs));
    assertFailure(() -> createRole("someone-elses-role"), "NotOwned");
    assertFailure(
        () -> lab.iam.deleteRole(new DeleteRoleInput(LAB, "someone-elses-role")), "NotOwned");
    // A role of another lab is just as foreign.
    lab.iam.createRole(new CreateRoleInput("lab-other", "other-lab-role", null, null, null, null, null));
    assertFailure(() -> lab.iam.deleteRole(new DeleteRoleInput(LAB, "other-lab-role")), "NotOwned");
    assertThat(iam.getRole(b -> b.roleName("someone-elses-role")).role()).isNotNull();
    assertThat(iam.listAttachedRolePolicies(b -> b.roleName("someone-elses-role")).attachedPolicies())
        .hasSize(1);
    assertThat(lab.calls.count("Iam", "DeleteRole")).isZero();
    assertThat(lab.calls.count("Iam", "DetachRolePolicy")).isZero();
  }

  @Test
  void policyIsScopedTaggedAndAdoptedWithoutDuplicate() {
    PolicyOutput first =
        lab.iam.createPolicy(new CreatePolicyInput(LAB, "labflow-lab-iam-policy", BUCKET, READ, null));
    PolicyOutput second =
        lab.iam.createPolicy(new CreatePolicyInput(LAB, "labflow-lab-iam-policy", BUCKET, READ, null));
    assertThat(second.policyArn()).isEqualTo(first.policyArn());
    assertThat(second.adopted()).isTrue();
    assertThat(second.defaultVersionId()).isEqualTo(first.defaultVersionId());
    assertThat(lab.calls.count("Iam", "CreatePolicy")).isEqualTo(1);
    assertThat(lab.calls.count("Iam", "CreatePolicyVersion")).isZero();
    String stored =
        iam.getPolicyVersion(b -> b.policyArn(first.policyArn()).versionId(first.defaultVersionId()))
            .policyVersion()
            .document();
    assertThat(PolicyDocuments.sameDocument(stored, first.document())).isTrue();
    assertThat(PolicyDocuments.parse(stored).toString())
        .contains("arn:aws:s3:::" + BUCKET + "/*")
        .doesNotContain("\"*\"");

    // Adopting with a different document makes a new default version.
    PolicyOutput changed =
        lab.iam.createPolicy(new CreatePolicyInput(LAB, "labflow-lab-iam-policy", BUCKET, WRITE, null));
    assertThat(changed.defaultVersionId()).isNotEqualTo(first.defaultVersionId());
    assertThat(lab.calls.count("Iam", "CreatePolicyVersion")).isEqualTo(1);
  }

  @Test
  void policyVersionsAreIdempotentAndKeptUnderTheLimitOfFive() {
    PolicyOutput p =
        lab.iam.createPolicy(new CreatePolicyInput(LAB, "labflow-lab-iam-policy", BUCKET, READ, null));
    PolicyVersionOutput same =
        lab.iam.createPolicyVersion(
            new CreatePolicyVersionInput(LAB, p.policyArn(), null, BUCKET, READ, null));
    assertThat(same.created()).isFalse();
    PolicyVersionOutput write =
        lab.iam.createPolicyVersion(
            new CreatePolicyVersionInput(LAB, null, "labflow-lab-iam-policy", BUCKET, WRITE, null));
    PolicyVersionOutput again =
        lab.iam.createPolicyVersion(
            new CreatePolicyVersionInput(LAB, null, "labflow-lab-iam-policy", BUCKET, WRITE, null));
    assertThat(write.created()).isTrue();
    assertThat(again.created()).isFalse();
    assertThat(again.versionId()).isEqualTo(write.versionId());
    // Alternate documents well past five versions: the oldest non-default goes each time.
    for (int i = 0; i < 6; i++) {
      lab.iam.createPolicyVersion(
          new CreatePolicyVersionInput(
              LAB, p.policyArn(), null, BUCKET, i % 2 == 0 ? READ : WRITE, null));
    }
    var versions = iam.listPolicyVersions(b -> b.policyArn(p.policyArn())).versions();
    assertThat(versions).hasSize(5);
    assertThat(versions.stream().filter(v -> v.isDefaultVersion())).hasSize(1);
  }

  @Test
  void policyVersionRefusedOnForeignPolicy() {
    String arn =
        iam.createPolicy(
                b ->
                    b.policyName("foreign")
                        .policyDocument(PolicyDocuments.forBucket(BUCKET, READ, false)))
            .policy()
            .arn();
    assertFailure(
        () ->
            lab.iam.createPolicyVersion(
                new CreatePolicyVersionInput(LAB, arn, null, BUCKET, WRITE, null)),
        "NotOwned");
    assertFailure(() -> lab.iam.deletePolicy(new DeletePolicyInput(LAB, arn, null)), "NotOwned");
    assertFailure(
        () -> lab.iam.createPolicy(new CreatePolicyInput(LAB, "foreign", BUCKET, READ, null)),
        "NotOwned");
    assertThat(iam.listPolicyVersions(b -> b.policyArn(arn)).versions()).hasSize(1);
    assertThat(iam.getPolicy(b -> b.policyArn(arn)).policy()).isNotNull();
  }

  @Test
  void attachAndDetachAreIdempotent() {
    createRole("labflow-lab-iam-role");
    PolicyOutput p =
        lab.iam.createPolicy(new CreatePolicyInput(LAB, "labflow-lab-iam-policy", BUCKET, READ, null));
    RolePolicyInput in = new RolePolicyInput(LAB, "labflow-lab-iam-role", null, "labflow-lab-iam-policy");
    RolePolicyOutput a1 = lab.iam.attachRolePolicy(in);
    RolePolicyOutput a2 = lab.iam.attachRolePolicy(in);
    assertThat(a1.changed()).isTrue();
    assertThat(a2.changed()).isFalse();
    assertThat(a2.policyArn()).isEqualTo(p.policyArn());
    assertThat(lab.calls.count("Iam", "AttachRolePolicy")).isEqualTo(1);
    assertThat(iam.listAttachedRolePolicies(b -> b.roleName("labflow-lab-iam-role")).attachedPolicies())
        .hasSize(1);
    RolePolicyOutput d1 = lab.iam.detachRolePolicy(in);
    RolePolicyOutput d2 = lab.iam.detachRolePolicy(in);
    assertThat(d1.changed()).isTrue();
    assertThat(d2.changed()).isFalse();
    assertThat(d2.attached()).isFalse();
    // Detaching from a role that no longer exists is success too.
    RolePolicyOutput gone =
        lab.iam.detachRolePolicy(new RolePolicyInput(LAB, "no-such-role", p.policyArn(), null));
    assertThat(gone.changed()).isFalse();
  }

  @Test
  void instanceProfileCreatedOnceAndDeletedOnce() {
    createRole("labflow-lab-iam-role");
    CreateInstanceProfileInput in =
        new CreateInstanceProfileInput(LAB, "labflow-lab-iam-profile", "labflow-lab-iam-role", null);
    InstanceProfileOutput first = lab.iam.createInstanceProfile(in);
    InstanceProfileOutput second = lab.iam.createInstanceProfile(in);
    assertThat(first.adopted()).isFalse();
    assertThat(second.adopted()).isTrue();
    assertThat(second.instanceProfileArn()).isEqualTo(first.instanceProfileArn());
    assertThat(lab.calls.count("Iam", "CreateInstanceProfile")).isEqualTo(1);
    assertThat(lab.calls.count("Iam", "AddRoleToInstanceProfile")).isEqualTo(1);
    var roles =
        iam.getInstanceProfile(b -> b.instanceProfileName("labflow-lab-iam-profile"))
            .instanceProfile()
            .roles();
    assertThat(roles).extracting(r -> r.roleName()).containsExactly("labflow-lab-iam-role");

    DeleteInstanceProfileInput del = new DeleteInstanceProfileInput(LAB, "labflow-lab-iam-profile");
    assertThat(lab.iam.deleteInstanceProfile(del).deleted()).isTrue();
    assertThat(lab.iam.deleteInstanceProfile(del).deleted()).isFalse();
    assertThat(iam.listInstanceProfiles().instanceProfiles()).isEmpty();
    assertThat(iam.getRole(b -> b.roleName("labflow-lab-iam-role")).role()).isNotNull();
  }

  @Test
  void addRoleWhoseAnswerWasLostIsNotSentAgainBeforeReadingTheProfile() {
    // IAM added the role but its answer was lost. An SDK retry of the call would get
    // LimitExceeded (a profile holds one role), a non-retryable failure; Temporal's retry reads.
    lab.close();
    lab = new Lab(List.of(new FaultInjector(
        "AddRoleToInstanceProfile", "RequestTimeout", "Your request timed out", 1)));
    createRole("labflow-lab-iam-role");
    CreateInstanceProfileInput in =
        new CreateInstanceProfileInput(LAB, "labflow-lab-iam-profile", "labflow-lab-iam-role", null);

    assertThat(failureOf(() -> lab.iam.createInstanceProfile(in), "RequestTimeout")
        .isNonRetryable()).isFalse();
    InstanceProfileOutput retried = lab.iam.createInstanceProfile(in);

    assertThat(retried.roleName()).isEqualTo("labflow-lab-iam-role");
    assertThat(lab.calls.count("Iam", "AddRoleToInstanceProfile")).isEqualTo(1);
  }

  @Test
  void foreignInstanceProfileIsRefused() {
    createRole("labflow-lab-iam-role");
    iam.createInstanceProfile(b -> b.instanceProfileName("foreign-profile"));
    assertFailure(
        () ->
            lab.iam.createInstanceProfile(
                new CreateInstanceProfileInput(LAB, "foreign-profile", "labflow-lab-iam-role", null)),
        "NotOwned");
    assertFailure(
        () -> lab.iam.deleteInstanceProfile(new DeleteInstanceProfileInput(LAB, "foreign-profile")),
        "NotOwned");
    assertThat(
            iam.getInstanceProfile(b -> b.instanceProfileName("foreign-profile"))
                .instanceProfile()
                .roles())
        .isEmpty();
  }

  @Test
  void deleteRoleDetachesPoliciesLeavesOwnProfilesAndIsIdempotent() {
    createRole("labflow-lab-iam-role");
    lab.iam.createPolicy(new CreatePolicyInput(LAB, "labflow-lab-iam-policy", BUCKET, READ, null));
    lab.iam.attachRolePolicy(
        new RolePolicyInput(LAB, "labflow-lab-iam-role", null, "labflow-lab-iam-policy"));
    iam.putRolePolicy(
        b ->
            b.roleName("labflow-lab-iam-role")
                .policyName("inline")
                .policyDocument(PolicyDocuments.forBucket(BUCKET, READ, false)));
    lab.iam.createInstanceProfile(
        new CreateInstanceProfileInput(LAB, "labflow-lab-iam-profile", "labflow-lab-iam-role", null));

    DeleteOutput first = lab.iam.deleteRole(new DeleteRoleInput(LAB, "labflow-lab-iam-role"));
    DeleteOutput second = lab.iam.deleteRole(new DeleteRoleInput(LAB, "labflow-lab-iam-role"));
    assertThat(first.deleted()).isTrue();
    assertThat(second.deleted()).isFalse();
    assertThat(iam.listRoles().roles()).isEmpty();
    // The policy and the (now empty) profile survive: they have their own delete steps.
    assertThat(iam.listPolicies(b -> b.scope("Local")).policies()).hasSize(1);
    assertThat(
            iam.getInstanceProfile(b -> b.instanceProfileName("labflow-lab-iam-profile"))
                .instanceProfile()
                .roles())
        .isEmpty();
  }

  @Test
  void deleteRoleRefusesWhenHeldByForeignProfileAndTouchesNothing() {
    createRole("labflow-lab-iam-role");
    lab.iam.createPolicy(new CreatePolicyInput(LAB, "labflow-lab-iam-policy", BUCKET, READ, null));
    lab.iam.attachRolePolicy(
        new RolePolicyInput(LAB, "labflow-lab-iam-role", null, "labflow-lab-iam-policy"));
    iam.createInstanceProfile(b -> b.instanceProfileName("foreign-profile"));
    iam.addRoleToInstanceProfile(
        b -> b.instanceProfileName("foreign-profile").roleName("labflow-lab-iam-role"));
    assertFailure(
        () -> lab.iam.deleteRole(new DeleteRoleInput(LAB, "labflow-lab-iam-role")),
        "DeleteConflict");
    assertThat(
            iam.listAttachedRolePolicies(b -> b.roleName("labflow-lab-iam-role"))
                .attachedPolicies())
        .hasSize(1);
  }

  @Test
  void deletePolicyRemovesVersionsAndAttachmentsAndIsIdempotent() {
    createRole("labflow-lab-iam-role");
    PolicyOutput p =
        lab.iam.createPolicy(new CreatePolicyInput(LAB, "labflow-lab-iam-policy", BUCKET, READ, null));
    lab.iam.createPolicyVersion(
        new CreatePolicyVersionInput(LAB, p.policyArn(), null, BUCKET, WRITE, null));
    lab.iam.attachRolePolicy(
        new RolePolicyInput(LAB, "labflow-lab-iam-role", p.policyArn(), null));
    DeletePolicyInput del = new DeletePolicyInput(LAB, null, "labflow-lab-iam-policy");
    assertThat(lab.iam.deletePolicy(del).deleted()).isTrue();
    assertThat(lab.iam.deletePolicy(del).deleted()).isFalse();
    assertThat(iam.listPolicies(b -> b.scope("Local")).policies()).isEmpty();
    assertThat(
            iam.listAttachedRolePolicies(b -> b.roleName("labflow-lab-iam-role"))
                .attachedPolicies())
        .isEmpty();
  }

  @Test
  void missingInputIsANonRetryableInvalidInput() {
    assertFailure(
        () -> lab.iam.createRole(new CreateRoleInput(LAB, null, null, null, null, null, null)),
        "InvalidInput");
    assertFailure(
        () ->
            lab.iam.createPolicy(
                new CreatePolicyInput(LAB, "p", BUCKET, List.of("iam:CreateUser"), null)),
        "InvalidInput");
    assertThat(lab.calls.count("Iam", "CreateRole")).isZero();
    assertThat(lab.calls.count("Iam", "CreatePolicy")).isZero();
  }
}
