package io.labflow.activities.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.MotoServer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.InstanceProfile;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.Role;

/**
 * The tutorial's console steps, as the API calls the AWS console makes for them, by a learner with
 * the issued session: the IAM console's Roles page and role wizard list roles and policies (the
 * permissions, then the permissions boundary), the role and policy pages read them, the policy
 * editor saves a version, and the EC2 console's "Modify IAM role" lists the instance profiles
 * before it associates one. The role wizard also makes the role's instance profile, named like the
 * role: that is the lab's instance profile.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
@Tag("moto")
class LearnerConsoleOnMotoTest extends LearnerSessionsOnMoto {

  @Test
  void aLearnerCanMakeEachCallOfTheTutorialsConsoleSteps() {
    LabOf a = lab("lab-a");
    LabOf b = lab("lab-b");
    everyStep(b);
    var iam = a.iam();

    // IAM console, Roles, Create role: the list of roles, then the policies to choose from (for
    // the permissions and for the permissions boundary).
    assertThat(iam.listRoles().roles()).extracting(Role::roleName)
        .contains("labflow-lab-a-learner");
    assertThat(iam.listPolicies().policies()).extracting(Policy::policyName)
        .contains("labflow-lab-a-boundary");
    iam.createPolicy(r -> r.policyName(a.policy())
        .policyDocument(policyFor(a.bucket(), "s3:ListBucket", "s3:GetObject")));
    iam.createRole(r -> r.roleName(a.role()).assumeRolePolicyDocument(TRUST_EC2)
        .permissionsBoundary(a.access().boundaryPolicyArn()));
    iam.attachRolePolicy(r -> r.roleName(a.role()).policyArn(a.policyArn()));
    iam.createInstanceProfile(r -> r.instanceProfileName(a.role()));
    iam.addRoleToInstanceProfile(r -> r.instanceProfileName(a.role()).roleName(a.role()));

    // The role's page, then its policy's page and the policy editor.
    iam.getRole(r -> r.roleName(a.role()));
    assertThat(iam.listAttachedRolePolicies(r -> r.roleName(a.role())).attachedPolicies())
        .hasSize(1);
    iam.listRolePolicies(r -> r.roleName(a.role()));
    iam.listInstanceProfilesForRole(r -> r.roleName(a.role()));
    iam.listRoleTags(r -> r.roleName(a.role()));
    iam.getPolicy(r -> r.policyArn(a.policyArn()));
    iam.listPolicyVersions(r -> r.policyArn(a.policyArn()));
    iam.getPolicyVersion(r -> r.policyArn(a.policyArn()).versionId("v1"));
    iam.listEntitiesForPolicy(r -> r.policyArn(a.policyArn()));

    // EC2 console, the instance, Actions > Security > Modify IAM role: the instance profiles to
    // choose from, then Update IAM role.
    a.ec2().describeInstances(r -> r.instanceIds(a.instance()));
    a.ec2().describeIamInstanceProfileAssociations();
    assertThat(iam.listInstanceProfiles().instanceProfiles())
        .extracting(InstanceProfile::instanceProfileName)
        .containsExactlyInAnyOrder(a.profile(), b.profile());
    a.ec2().associateIamInstanceProfile(r -> r.instanceId(a.instance())
        .iamInstanceProfile(p -> p.name(a.profile())));

    // Edit the policy: a new default version that adds Put.
    iam.createPolicyVersion(r -> r.policyArn(a.policyArn()).setAsDefault(true).policyDocument(
        policyFor(a.bucket(), "s3:ListBucket", "s3:GetObject", "s3:PutObject")));
    assertThat(simulatePut(a, a.role())).isEqualTo("allowed");
    // Listing shows B's names; reading or changing B's entities is still denied.
    denied("AccessDenied", "iam:GetRole", IAM + ":role/" + b.role(),
        () -> iam.getRole(r -> r.roleName(b.role())));
    denied("AccessDenied", "iam:GetInstanceProfile", IAM + ":instance-profile/" + b.profile(),
        () -> iam.getInstanceProfile(r -> r.instanceProfileName(b.profile())));
  }
}
