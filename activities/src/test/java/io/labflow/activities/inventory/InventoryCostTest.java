package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.cloudformation.CloudFormationActivities.DeleteStackInput;
import io.labflow.activities.iam.IamEntities;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.activities.iam.policies.PolicyActivities.CreatePolicyInput;
import io.labflow.activities.iam.profiles.InstanceProfileActivities.CreateInstanceProfileInput;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.learner.LearnerAccessActivities;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptRoleInput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.LabResources;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.Lab;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.cloudformation.model.StackStatus;
import software.amazon.awssdk.services.cloudformation.model.StackSummary;

/**
 * One lab's inventory costs the same number of AWS calls however many other labs' resources (and
 * untagged look-alikes) the account holds, and still finds exactly the lab's own: counted on the
 * wire by the clients' {@link io.labflow.activities.testing.CallCounter}, not timed.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class InventoryCostTest extends MotoLabTest {

  @Test
  void aLabsInventoryCostsTheSameWithTwoOrEightOtherLabs() {
    LabInventoryTest.provision(lab, "lab-a");
    lookAlikesOf("lab-a");
    // Another lab's stack, deleted: ListStacks keeps it for 90 days, the filter leaves it out.
    lab.cfn.createStack(labStack("gone", "labflow-gone", "labflow-gone-bucket"));
    lab.cfn.deleteStack(new DeleteStackInput("gone", "labflow-gone"));

    otherLabs(0, 2);
    int cold2 = calls(() -> list("lab-a"));
    LabResources found = list("lab-a");
    int warm2 = calls(() -> list("lab-a"));

    otherLabs(2, 8);
    int cold8 = calls(() -> list("lab-a"));
    assertThat(list("lab-a")).isEqualTo(found);
    int warm8 = calls(() -> list("lab-a"));
    System.out.printf("ListLabResources AWS calls, tags cached / first read: "
        + "2 other labs %d / %d, 8 other labs %d / %d%n", warm2, cold2, warm8, cold8);

    assertThat(warm8).as("calls with 8 other labs against 2").isEqualTo(warm2);
    // The first inventory after six labs came reads each of their 4 resources' tags once.
    assertThat(cold8 - warm8).isEqualTo(6 * 4);
    assertThat(found.get(ResourceKind.STACKS)).containsExactly("labflow-lab-a");
    assertThat(found.get(ResourceKind.ROLES)).containsExactly("labflow-lab-a-role");
    assertThat(found.get(ResourceKind.INSTANCE_PROFILES)).containsExactly("labflow-lab-a-profile");
    assertThat(found.get(ResourceKind.BUCKETS)).containsExactly("labflow-lab-a-bucket");
    assertThat(found.get(ResourceKind.POLICIES)).singleElement()
        .satisfies(a -> assertThat(a).endsWith(":policy/labflow-lab-a-policy"));
    assertThat(found.unreadable()).isEmpty();

    // Every other lab still finds its own, from the cache's point of view the other side.
    LabResources other = list("other-7");
    assertThat(other.get(ResourceKind.ROLES)).containsExactly("labflow-other-7-role");
    assertThat(other.get(ResourceKind.INSTANCE_PROFILES)).containsExactly("labflow-other-7-profile");
    assertThat(other.get(ResourceKind.BUCKETS)).containsExactly("labflow-other-7-bucket");
    assertThat(other.get(ResourceKind.POLICIES)).hasSize(1);
    assertThat(other.get(ResourceKind.STACKS)).isEmpty();

    List<StackSummary> live = lab.clients.cloudFormation()
        .listStacks(b -> b.stackStatusFilters(LabInventoryActivitiesImpl.LIVE_STATUSES)).stackSummaries();
    assertThat(live).extracting(StackSummary::stackName).containsExactly("labflow-lab-a");
    assertThat(lab.clients.cloudFormation().listStacks().stackSummaries())
        .anyMatch(s -> s.stackStatus() == StackStatus.DELETE_COMPLETE);
  }

  @Test
  void untaggedLookAlikesAreReadOnceSettledAndTheLabsOwnAlwaysAgain() {
    LabInventoryTest.provision(lab, "lab-a");
    // A worker whose clock is past the settle window: untagged resources count as settled.
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    LabInventoryActivities settled = settledWorker(env);
    Supplier<LabResources> inventory = () -> settled.listLabResources(new LabInput("lab-a"));

    lookAlikesOf("other-0");
    inventory.get();
    int two = calls(inventory);
    for (int i = 1; i < 6; i++) {
      lookAlikesOf("other-" + i);
    }
    inventory.get();
    int twelve = calls(inventory);
    assertThat(twelve).as("calls with 12 look-alikes against 2").isEqualTo(two);

    // The lab's own role is read again every time: untagged meanwhile, it is no longer the lab's.
    lab.clients.iam().untagRole(b -> b.roleName("labflow-lab-a-role").tagKeys("labflow:lab"));
    assertThat(inventory.get().get(ResourceKind.ROLES)).isEmpty();
    // And the cache hid nothing of the lab's: the worker's own (fresh) inventory says the same.
    assertThat(inventory.get().get(ResourceKind.BUCKETS)).containsExactly("labflow-lab-a-bucket");
    assertThat(inventory.get()).isEqualTo(list("lab-a"));
    env.close();
  }

  /**
   * A role the learner made under the lab's name, read untagged by the worker's inventory once
   * settled, then adopted (tagged as the lab's): the next inventory lists it, so teardown and the
   * sweep delete it. The cache's verdict "nobody's" must not hide it.
   */
  @Test
  void aRoleAdoptedAfterTheCacheReadItUntaggedIsTheLabs() {
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    LabInventoryActivities settled = settledWorker(env);
    lab.clients.iam().createRole(b -> b.roleName("labflow-lab-a-made")
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null)));
    assertThat(settled.listLabResources(new LabInput("lab-a")).get(ResourceKind.ROLES)).isEmpty();

    assertThat(lab.stub(LearnerAccessActivities.class).adoptRole(
        new AdoptRoleInput("lab-a", "labflow-lab-a-made", "2000-01-01T00:00:00Z", null)).tagged())
        .isTrue();

    assertThat(settled.listLabResources(new LabInput("lab-a")).get(ResourceKind.ROLES))
        .containsExactly("labflow-lab-a-made");
    env.close();
  }

  /** The inventory of a worker whose clock is past the settle window (untagged ones are cached). */
  private LabInventoryActivities settledWorker(TestActivityEnvironment env) {
    TagCache cache =
        new TagCache(Clock.offset(Clock.systemUTC(), TagCache.SETTLE.plus(Duration.ofMinutes(1))));
    // Only listed: the sweep's deletes are not needed.
    env.registerActivitiesImplementations(new LabInventoryActivitiesImpl(
        lab.clients, new IamEntities(lab.clients), Map.of(), cache));
    return env.newActivityStub(LabInventoryActivities.class,
        ActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofMinutes(3))
            .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  private LabResources list(String labId) {
    return lab.inventory.listLabResources(new LabInput(labId));
  }

  private int calls(Supplier<?> call) {
    lab.calls.reset();
    call.get();
    return lab.calls.total();
  }

  /** Labs {@code from} to {@code to - 1}: a role, policy, profile and bucket each, tagged. */
  private void otherLabs(int from, int to) {
    for (int i = from; i < to; i++) {
      String id = "other-" + i;
      String prefix = "labflow-" + id;
      lab.iam.createRole(new CreateRoleInput(id, prefix + "-role", null, null, null, null, null));
      lab.iam.createPolicy(new CreatePolicyInput(
          id, prefix + "-policy", prefix + "-bucket", List.of("s3:GetObject"), null));
      lab.iam.createInstanceProfile(
          new CreateInstanceProfileInput(id, prefix + "-profile", prefix + "-role", null));
      lab.clients.s3().createBucket(b -> b.bucket(prefix + "-bucket"));
      lab.clients.s3().putBucketTagging(b -> b.bucket(prefix + "-bucket").tagging(t -> t.tagSet(
          s -> s.key("labflow:lab").value(id), s -> s.key("labflow:namespace").value(Lab.NAMESPACE))));
    }
  }

  /** An untagged role and bucket named after the lab. */
  private void lookAlikesOf(String labId) {
    lab.clients.iam().createRole(b -> b.roleName("labflow-" + labId + "-role-copy")
        .assumeRolePolicyDocument(PolicyDocuments.trustPolicy("ec2.amazonaws.com", null)));
    lab.clients.s3().createBucket(b -> b.bucket("labflow-" + labId + "-copy"));
  }
}
