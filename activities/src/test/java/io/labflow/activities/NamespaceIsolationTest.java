package io.labflow.activities;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.activities.iam.IamActivities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.iam.roles.RoleActivities;
import io.labflow.activities.inventory.LabInventoryActivities;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Two namespaces pointed at one AWS account (moto): a lab id used in both is two labs. The tags a
 * create writes come from the activity's context; the sweep and the creates of one namespace never
 * touch the other's resources.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("moto")
class NamespaceIsolationTest {

  /** Tells the test which namespace the test environment's activities run in. */
  @ActivityInterface
  public interface Probe {
    String namespace();
  }

  private final Lab lab = new Lab();
  private final TestActivityEnvironment env = TestActivityEnvironment.newInstance();

  @AfterEach
  void close() {
    env.close();
    lab.close();
  }

  @Test
  void aLabIdInAnotherNamespaceIsAnotherLab() {
    List<Object> impls = new ArrayList<>();
    impls.add((Probe) () -> Activity.getExecutionContext().getInfo().getNamespace());
    StepLibrary.implementations(lab.clients, Lab.definitionsDir()).stream()
        .filter(i -> i instanceof RoleActivities || i instanceof LabInventoryActivities)
        .forEach(impls::add);
    env.registerActivitiesImplementations(impls.toArray());
    ActivityOptions options =
        ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build())
            .build();
    String ours = env.newActivityStub(Probe.class, options).namespace();
    IamActivities iam = env.newActivityStub(IamActivities.class, options);
    LabInventoryActivities inventory = env.newActivityStub(LabInventoryActivities.class, options);

    iam.createRole(new CreateRoleInput("lab-n", "lab-n-ours", null, null, null, null, null));
    assertThat(tags("lab-n-ours"))
        .contains(Tag.builder().key("labflow:lab").value("lab-n").build(),
            Tag.builder().key("labflow:namespace").value(ours).build());
    // The other namespace's lab of the same id, as its worker would have tagged it.
    lab.clients.iam().createRole(b -> b.roleName("lab-n-theirs")
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null))
        .tags(Tag.builder().key("labflow:lab").value("lab-n").build(),
            Tag.builder().key("labflow:namespace").value("other-" + ours).build()));

    assertThat(inventory.listLabResources(new LabInput("lab-n")).get(ResourceKind.ROLES)).containsExactly("lab-n-ours");
    assertThatThrownBy(() -> iam.createRole(new CreateRoleInput("lab-n", "lab-n-theirs", null, null, null, null, null)))
        .isInstanceOf(ActivityFailure.class)
        .cause()
        .isInstanceOfSatisfying(ApplicationFailure.class,
            f -> assertThat(f.getType()).isEqualTo("NotOwned"));
    DeleteLabResourcesOutput swept = inventory.deleteLabResources(new LabInput("lab-n"));
    assertThat(swept.deleted().get(ResourceKind.ROLES)).containsExactly("lab-n-ours");
    assertThat(tags("lab-n-theirs")).isNotEmpty();
  }

  /**
   * Issue 17, case 1: moto copies no stack tag to S3, so the live lab's bucket carried {@code
   * labflow:lab} only, and a reset of the same lab id in another namespace deleted it. A lab tag
   * without a namespace tag is no namespace's lab: neither listed nor swept, here or anywhere.
   */
  @Test
  void aResourceTaggedForTheLabButInNoNamespaceIsNeitherListedNorSwept() {
    env.registerActivitiesImplementations(StepLibrary.implementations(lab.clients, Lab.definitionsDir())
        .stream().filter(i -> i instanceof LabInventoryActivities).toArray());
    LabInventoryActivities inventory = env.newActivityStub(LabInventoryActivities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(1))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
    var s3 = lab.clients.s3();
    s3.createBucket(b -> b.bucket("labflow-lab-n"));
    s3.putBucketTagging(b -> b.bucket("labflow-lab-n").tagging(t -> t.tagSet(
        x -> x.key("labflow:lab").value("lab-n"))));
    s3.putObject(b -> b.bucket("labflow-lab-n").key("data.txt"), RequestBody.fromString("live"));
    lab.clients.iam().createRole(b -> b.roleName("labflow-lab-n-role")
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null))
        .tags(Tag.builder().key("labflow:lab").value("lab-n").build()));

    assertThat(inventory.listLabResources(new LabInput("lab-n")).noneTagged()).isTrue();
    DeleteLabResourcesOutput swept = inventory.deleteLabResources(new LabInput("lab-n"));
    assertThat(swept.deleted().noneTagged()).as("deleted %s", swept.deleted()).isTrue();
    assertThat(s3.getObjectAsBytes(b -> b.bucket("labflow-lab-n").key("data.txt")).asUtf8String())
        .isEqualTo("live");
    assertThat(tags("labflow-lab-n-role")).isNotEmpty();
  }

  private List<Tag> tags(String role) {
    return lab.clients.iam().listRoleTags(b -> b.roleName(role)).tags();
  }
}
