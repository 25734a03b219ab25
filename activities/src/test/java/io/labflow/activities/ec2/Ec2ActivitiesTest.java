package io.labflow.activities.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.ec2.Ec2Activities.AssociateInstanceProfileInput;
import io.labflow.activities.ec2.Ec2Activities.AssociationOutput;
import io.labflow.activities.ec2.Ec2Activities.DisassociateInstanceProfileInput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.CreateInstanceProfileInput;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.testing.FaultInjector;
import io.labflow.activities.testing.Lab;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.IamInstanceProfileAssociation;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("moto")
class Ec2ActivitiesTest extends MotoLabTest {

  static final String LAB = "lab-ec2";


  private String instance(String labId) {
    TagSpecification tags =
        TagSpecification.builder()
            .resourceType(ResourceType.INSTANCE)
            .tags(Tag.builder().key("labflow:lab").value(labId).build(),
                Tag.builder().key("labflow:namespace").value(Lab.NAMESPACE).build())
            .build();
    return lab.clients
        .ec2()
        .runInstances(
            b ->
                b.imageId("ami-12c6146b")
                    .minCount(1)
                    .maxCount(1)
                    .instanceType("t3.micro")
                    .tagSpecifications(labId == null ? java.util.List.of() : java.util.List.of(tags)))
        .instances()
        .get(0)
        .instanceId();
  }

  private void profile(String name) {
    lab.iam.createRole(new CreateRoleInput(LAB, name + "-role", null, null, null, null, null));
    lab.iam.createInstanceProfile(new CreateInstanceProfileInput(LAB, name, name + "-role", null));
  }

  private java.util.List<IamInstanceProfileAssociation> associations(String instanceId) {
    return lab.clients
        .ec2()
        .describeIamInstanceProfileAssociations(
            b -> b.filters(Filter.builder().name("instance-id").values(instanceId).build()))
        .iamInstanceProfileAssociations()
        .stream()
        .filter(a -> a.stateAsString().equals("associated"))
        .toList();
  }

  @Test
  void associateTwiceThenReplaceThenDisassociateTwice() {
    String id = instance(LAB);
    profile("labflow-lab-ec2-profile");
    profile("labflow-lab-ec2-other");

    AssociationOutput a1 =
        lab.ec2.associateInstanceProfile(
            new AssociateInstanceProfileInput(LAB, id, "labflow-lab-ec2-profile"));
    AssociationOutput a2 =
        lab.ec2.associateInstanceProfile(
            new AssociateInstanceProfileInput(LAB, id, "labflow-lab-ec2-profile"));
    assertThat(a1.change()).isEqualTo("associated");
    assertThat(a2.change()).isEqualTo("unchanged");
    assertThat(a2.associationId()).isEqualTo(a1.associationId());
    assertThat(lab.calls.count("Ec2", "AssociateIamInstanceProfile")).isEqualTo(1);
    assertThat(associations(id)).hasSize(1);

    AssociationOutput replaced =
        lab.ec2.associateInstanceProfile(
            new AssociateInstanceProfileInput(LAB, id, "labflow-lab-ec2-other"));
    assertThat(replaced.change()).isEqualTo("replaced");
    assertThat(lab.calls.count("Ec2", "ReplaceIamInstanceProfileAssociation")).isEqualTo(1);
    assertThat(associations(id)).singleElement()
        .satisfies(a -> assertThat(a.iamInstanceProfile().arn()).endsWith("/labflow-lab-ec2-other"));

    // Naming a profile the instance does not hold leaves the association alone.
    assertThat(
            lab.ec2
                .disassociateInstanceProfile(
                    new DisassociateInstanceProfileInput(LAB, id, "labflow-lab-ec2-profile"))
                .deleted())
        .isFalse();
    assertThat(associations(id)).hasSize(1);
    assertThat(
            lab.ec2
                .disassociateInstanceProfile(
                    new DisassociateInstanceProfileInput(LAB, id, "labflow-lab-ec2-other"))
                .deleted())
        .isTrue();
    assertThat(
            lab.ec2
                .disassociateInstanceProfile(new DisassociateInstanceProfileInput(LAB, id, null))
                .deleted())
        .isFalse();
    assertThat(associations(id)).isEmpty();
    assertThat(lab.calls.count("Ec2", "DisassociateIamInstanceProfile")).isEqualTo(1);
  }

  @Test
  void instanceProfilePropagationErrorIsRetriedWithHeartbeats() {
    lab.close();
    lab =
        new Lab(
            List.of(
                new FaultInjector(
                    "AssociateIamInstanceProfile",
                    "InvalidParameterValue",
                    "Value (labflow-lab-ec2-profile) for parameter iamInstanceProfile.name is"
                        + " invalid. Invalid IAM Instance Profile name",
                    1)));
    List<String> beats = lab.recordHeartbeats();
    String id = instance(LAB);
    profile("labflow-lab-ec2-profile");

    AssociationOutput out =
        lab.ec2.associateInstanceProfile(
            new AssociateInstanceProfileInput(LAB, id, "labflow-lab-ec2-profile"));

    assertThat(out.change()).isEqualTo("associated");
    assertThat(beats).anyMatch(b -> b.startsWith("associating labflow-lab-ec2-profile"));
    // The rejected call had in fact reached EC2; the retry saw that and did not call again.
    assertThat(lab.calls.count("Ec2", "AssociateIamInstanceProfile")).isEqualTo(1);
    assertThat(lab.calls.count("Ec2", "DescribeIamInstanceProfileAssociations")).isEqualTo(2);
    assertThat(associations(id)).hasSize(1);
  }

  /**
   * A profile deleted and made again under the same name is another profile: the instance still
   * holding the deleted one has its association replaced, not left as done.
   */
  @Test
  void anAssociationOfADeletedProfileOfTheSameNameIsReplaced() {
    String id = instance(LAB);
    String name = "labflow-lab-ec2-again";
    profile(name);
    assertThat(lab.ec2.associateInstanceProfile(new AssociateInstanceProfileInput(LAB, id, name))
        .change()).isEqualTo("associated");
    lab.clients.iam().removeRoleFromInstanceProfile(b -> b.instanceProfileName(name).roleName(name + "-role"));
    lab.clients.iam().deleteInstanceProfile(b -> b.instanceProfileName(name));
    lab.iam.createInstanceProfile(new CreateInstanceProfileInput(LAB, name, name + "-role", null));
    String again = lab.clients.iam().getInstanceProfile(b -> b.instanceProfileName(name))
        .instanceProfile().instanceProfileId();
    assertThat(associations(id)).extracting(a -> a.iamInstanceProfile().id()).doesNotContain(again);

    AssociationOutput replaced =
        lab.ec2.associateInstanceProfile(new AssociateInstanceProfileInput(LAB, id, name));

    assertThat(replaced.change()).isEqualTo("replaced");
    assertThat(associations(id)).extracting(a -> a.iamInstanceProfile().id()).containsExactly(again);
  }

  @Test
  void associateWhoseAnswerWasLostIsNotSentAgainBeforeReadingTheAssociation() {
    // EC2 associated but its answer was lost. An SDK retry of the call would get IncorrectState
    // (there is an existing association), a non-retryable failure; Temporal's retry reads first.
    lab.close();
    lab = new Lab(List.of(new FaultInjector(
        "AssociateIamInstanceProfile", "RequestTimeout", "Your request timed out", 1)));
    String id = instance(LAB);
    profile("labflow-lab-ec2-profile");
    AssociateInstanceProfileInput in =
        new AssociateInstanceProfileInput(LAB, id, "labflow-lab-ec2-profile");

    assertThat(failureOf(() -> lab.ec2.associateInstanceProfile(in), "RequestTimeout")
        .isNonRetryable()).isFalse();
    AssociationOutput retried = lab.ec2.associateInstanceProfile(in);

    assertThat(retried.change()).isEqualTo("unchanged");
    assertThat(associations(id)).hasSize(1);
  }

  @Test
  void otherInvalidParameterValuesAreNotRetried() {
    lab.close();
    lab =
        new Lab(
            List.of(
                new FaultInjector(
                    "AssociateIamInstanceProfile", "InvalidParameterValue", "Something else", 1)));
    String id = instance(LAB);
    profile("labflow-lab-ec2-profile");
    assertFailure(
        () ->
            lab.ec2.associateInstanceProfile(
                new AssociateInstanceProfileInput(LAB, id, "labflow-lab-ec2-profile")),
        "InvalidParameterValue");
    assertThat(lab.calls.count("Ec2", "AssociateIamInstanceProfile")).isEqualTo(1);
  }

  @Test
  void instancesOfOthersAreNotTouched() {
    String foreign = instance(null);
    profile("labflow-lab-ec2-profile");
    assertFailure(
        () ->
            lab.ec2.associateInstanceProfile(
                new AssociateInstanceProfileInput(LAB, foreign, "labflow-lab-ec2-profile")),
        "NotOwned");
    assertFailure(
        () ->
            lab.ec2.disassociateInstanceProfile(
                new DisassociateInstanceProfileInput(LAB, foreign, null)),
        "NotOwned");
    assertThat(lab.calls.count("Ec2", "AssociateIamInstanceProfile")).isZero();
  }

  @Test
  void missingInstanceIsSuccessForDisassociate() {
    assertThat(
            lab.ec2
                .disassociateInstanceProfile(
                    new DisassociateInstanceProfileInput(LAB, "i-0123456789abcdef0", null))
                .deleted())
        .isFalse();
  }
}
