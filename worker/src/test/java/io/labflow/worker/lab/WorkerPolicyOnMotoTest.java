package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.StepLibrary;
import io.labflow.activities.common.AccountGuard;
import io.labflow.activities.common.AccountPolicy;
import io.labflow.activities.common.AwsClients;
import io.labflow.activities.iam.IamActivities;
import io.labflow.activities.iam.roles.RoleActivities.CreateRoleInput;
import io.labflow.activities.iam.roles.RoleActivities.DeleteRoleInput;
import io.labflow.activities.inventory.LabInventoryActivities;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptInstanceProfileInput;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptOutput;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptPolicyInput;
import io.labflow.activities.learner.LearnerAccessActivities.AdoptRoleInput;
import io.labflow.activities.learner.LearnerAccessActivities;
import io.labflow.activities.learner.LearnerCheckActivities.CheckAccessInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckInstanceProfileInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckOutput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckPolicyAttachedInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckPolicyScopeInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckProfileOnInstanceInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckRoleBoundaryInput;
import io.labflow.activities.learner.LearnerCheckActivities.CheckRoleTrustInput;
import io.labflow.activities.learner.LearnerCheckActivities;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.permissions.WorkerPermissions;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.activities.verification.AccessVerificationActivities.VerifyAccessInput;
import io.labflow.activities.verification.AccessVerificationActivities;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.binding.DefinitionActivitiesImpl;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.interpreter.LabWorkflowImpl;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabResult;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.RetryOptions;
import io.temporal.testing.TestActivityEnvironment;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The worker policy's table is complete: every AWS operation the worker's credentials really make
 * during a whole lab on moto (provision, verify, switch, verify, teardown of a lab whose bucket
 * holds an object, the account guard's preflight, then the nightly reset's sweep of strays that
 * exercise every delete path, and the adoption of a role whose trust changed; learner mode's checks
 * of the live lab and adoption of what a learner made by hand) is in {@link
 * WorkerPermissions}, under the step action that made it (the verification by probe in the lab and
 * once more by simulate); and the table has nothing the run did not call except the operations
 * listed with why.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@org.junit.jupiter.api.Tag("moto")
class WorkerPolicyOnMotoTest {

  static final String LAB = "lab-077";
  static final String PREFIX = "labflow-" + LAB;

  /** Table operations this run cannot make, and why. */
  static final Map<String, String> NOT_ON_THIS_RUN = leftoverDeletes(Map.of(
      "Ec2.ReplaceIamInstanceProfileAssociation",
      "only when the lab instance already holds another profile (Ec2ActivitiesTest)",
      "CloudFormation.DescribeStackEvents", "only to explain a failed stack (StackFailureTest)",
      "Ec2.DescribeInstanceTypeOfferings", "only in the worker's preflight (PreflightOnMotoTest)",
      "Iam.GetUser", "only in the worker's preflight, for a trusted user (PreflightOnMotoTest)",
      "ServiceQuotas.GetServiceQuota", "only in the preflight's quota check (QuotasOnMotoTest)",
      "Iam.GetAccountSummary", "only in the preflight's quota check (QuotasOnMotoTest)"));

  /** The sweep's deletes of EC2 leftovers outside a stack: only after a half-deleted stack. */
  private static Map<String, String> leftoverDeletes(Map<String, String> others) {
    Map<String, String> all = new TreeMap<>(others);
    for (String op : List.of("TerminateInstances", "DeleteNetworkInterface", "DisassociateRouteTable",
        "DeleteRouteTable", "DetachInternetGateway", "DeleteInternetGateway",
        "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", "DeleteSecurityGroup", "DeleteSubnet",
        "DeleteVpc")) {
      all.put("Ec2." + op, "only for a half-deleted stack's tagged leftovers (LabSweepTest)");
    }
    return all;
  }

  final WorkerCalls calls = new WorkerCalls();
  AwsClients clients;
  TestWorkflowEnvironment env;
  TestActivityEnvironment activities;

  @AfterEach
  void close() {
    if (activities != null) {
      activities.close();
    }
    if (env != null) {
      env.close();
    }
    if (clients != null) {
      clients.close();
    }
  }

  @Test
  void everyOperationTheWorkerMakesIsInThePolicyTableUnderTheActionThatMakesIt() throws Exception {
    String admin = MotoServer.enforceIamWithAdmin();
    String workerKey = System.getProperty("aws.accessKeyId");
    AccountGuard guard = new AccountGuard(AccountPolicy.fromEnvironment());
    clients = AwsClients.fromEnvironment(
        List.of(guard, calls));
    guard.bind(clients.sts(), clients.iam());
    WorkflowClient client = startWorker(guard);

    // Provision, verify, switch, verify; an object in the bucket makes the teardown empty it.
    LabWorkflow lab = client.newWorkflowStub(LabWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(LAB).setTaskQueue("labflow").build());
    WorkflowClient.start(lab::run, RawJson.of(new LabRequest("iam-service-role-lab", "read-only", LAB,
        Map.of("verifyMethod", "probe", "trustedPrincipalArn", admin, "verifyBudgetSeconds", 20), null)));
    LabStatus live = LabOnMoto.awaitLive(lab);
    assertThat(lab.switchVariant(RawJson.of("read-write")).state()).isEqualTo(LabState.LIVE);
    String bucket = (String) LabOnMoto.step(live, "create-stack").outputs().get("bucketName");
    // The same access verified by the simulator (the local stack's evaluator answers it).
    assertThat(activity(AccessVerificationActivities.class).verifyAccess(new VerifyAccessInput(LAB, null,
        PREFIX + "-role", bucket, List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject"), List.of(),
        "simulate", 20)).matches()).isTrue();
    learnerMode(bucket, (String) LabOnMoto.step(live, "create-stack").outputs().get("instanceId"),
        admin);
    clients.s3().putObject(b -> b.bucket(bucket).key("left-behind.txt"), RequestBody.fromString("x"));
    assertThat(lab.teardown(null).state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(WorkflowStub.fromTyped(lab).getResult(LabResult.class).state())
        .isEqualTo(LabState.TORN_DOWN);

    // The nightly reset's sweep over strays that carry the lab tag.
    strays();
    DeleteLabResourcesOutput swept = activity(LabInventoryActivities.class)
        .deleteLabResources(new LabInput(LAB));
    assertThat(swept.remaining().noneTagged()).as("remaining: %s", swept.remaining()).isTrue();
    assertThat(swept.deleted().get(ResourceKind.ROLES)).contains(PREFIX + "-stray", PREFIX + "-learned");
    assertThat(swept.deleted().get(ResourceKind.BUCKETS)).contains(PREFIX + "-stray");
    // Adopting a role whose trust policy differs rewrites it.
    IamActivities iam = activity(IamActivities.class);
    iam.createRole(new CreateRoleInput(LAB, PREFIX + "-again", null, null, null, null, null));
    assertThat(iam.createRole(new CreateRoleInput(LAB, PREFIX + "-again", null, admin, null, null, null))
        .adopted()).isTrue();
    iam.deleteRole(new DeleteRoleInput(LAB, PREFIX + "-again"));

    List<WorkerCalls.Call> made = calls.signedBy(workerKey);
    Map<String, Set<String>> byOperation = new TreeMap<>();
    for (WorkerCalls.Call c : made) {
      if (!c.activityType().equals("(test)")) {
        byOperation.computeIfAbsent(c.operation(), k -> new TreeSet<>()).add(c.activityType());
      }
    }
    System.out.printf("worker's own AWS requests on the whole lab and sweep: %d, %d operations%n",
        made.size(), byOperation.size());
    for (var e : byOperation.entrySet()) {
      Set<String> usedBy = new TreeSet<>();
      WorkerPermissions.OPERATIONS.stream().filter(o -> o.name().equals(e.getKey()))
          .forEach(o -> usedBy.addAll(o.usedBy()));
      assertThat(usedBy).as("activities %s called %s with the worker's credentials, but"
          + " WorkerPermissions.OPERATIONS does not grant it: add it with its IAM actions",
          e.getValue(), e.getKey()).isNotEmpty();
      for (String activity : e.getValue()) {
        assertThat(usedBy.contains(activity) || usedBy.contains(WorkerPermissions.EVERY_RUN))
            .as("%s calls %s, but WorkerPermissions lists it as used by %s only: add %s",
                activity, e.getKey(), usedBy, activity)
            .isTrue();
      }
    }
    Set<String> uncalled = new TreeSet<>();
    WorkerPermissions.OPERATIONS.forEach(o -> uncalled.add(o.name()));
    uncalled.removeAll(byOperation.keySet());
    assertThat(uncalled).as("table operations this run never made").isEqualTo(NOT_ON_THIS_RUN.keySet());
    assertThat(byOperation).containsKeys("Sts.GetCallerIdentity", "Iam.ListAccountAliases",
        "S3.DeleteObjects", "Iam.DetachUserPolicy", "Iam.DetachGroupPolicy",
        "Iam.DeletePolicyVersion", "Iam.DeleteRolePolicy", "Iam.UpdateAssumeRolePolicy");
    // The probe's own requests were signed by the role's temporary key, not the worker's.
    assertThat(calls.all()).anySatisfy(c -> {
      assertThat(c.operation()).isEqualTo("S3.ListObjectsV2");
      assertThat(c.accessKeyId()).isNotEqualTo(workerKey);
    });
  }

  /**
   * Learner mode: every check on the lab's own resources, and the adoption of a role, policy and
   * profile made by hand after the lab started (the sweep below removes them).
   */
  private void learnerMode(String bucket, String instanceId, String admin) {
    LearnerCheckActivities checks = activity(LearnerCheckActivities.class);
    String role = PREFIX + "-role";
    // The lab's role also trusts the worker's principal, for probe.
    assertThat(checks.checkRoleTrust(new CheckRoleTrustInput(LAB, role, "ec2.amazonaws.com"))
        .detail()).contains(admin);
    assertThat(checks.checkRoleBoundary(new CheckRoleBoundaryInput(LAB, role, PREFIX + "-boundary"))
        .passed()).isFalse();
    List<String> write = List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject");
    assertThat(List.of(
        checks.checkPolicyScope(new CheckPolicyScopeInput(LAB, PREFIX + "-s3", bucket, write)),
        checks.checkPolicyAttached(new CheckPolicyAttachedInput(LAB, role, PREFIX + "-s3")),
        checks.checkInstanceProfile(new CheckInstanceProfileInput(LAB, PREFIX + "-profile", role)),
        checks.checkProfileOnInstance(
            new CheckProfileOnInstanceInput(LAB, instanceId, PREFIX + "-profile")),
        checks.checkAccess(new CheckAccessInput(LAB, role, bucket, write, List.of(), null))))
        .allMatch(CheckOutput::passed);
    String started = java.time.Instant.now().toString();
    var iam = clients.iam();
    iam.createRole(b -> b.roleName(PREFIX + "-learned").assumeRolePolicyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
    iam.createPolicy(b -> b.policyName(PREFIX + "-learned").policyDocument(doc("s3:GetObject")));
    iam.createInstanceProfile(b -> b.instanceProfileName(PREFIX + "-learned"));
    LearnerAccessActivities adopt = activity(LearnerAccessActivities.class);
    assertThat(List.of(
        adopt.adoptRole(new AdoptRoleInput(LAB, PREFIX + "-learned", started, null)),
        adopt.adoptPolicy(new AdoptPolicyInput(LAB, PREFIX + "-learned", started, null)),
        adopt.adoptInstanceProfile(
            new AdoptInstanceProfileInput(LAB, PREFIX + "-learned", started, null))))
        .allMatch(AdoptOutput::tagged);
  }

  /**
   * A role with an inline policy in a profile, a two-version policy on a user and a group, and a
   * bucket outside any stack.
   */
  private void strays() {
    clients.s3().createBucket(b -> b.bucket(PREFIX + "-stray"));
    clients.s3().putBucketTagging(b -> b.bucket(PREFIX + "-stray").tagging(t -> t.tagSet(
        software.amazon.awssdk.services.s3.model.Tag.builder().key("labflow:lab").value(LAB).build(),
        software.amazon.awssdk.services.s3.model.Tag.builder().key("labflow:namespace")
            .value(Lab.NAMESPACE).build())));
    var tag = Tag.builder().key("labflow:lab").value(LAB).build();
    var ns = Tag.builder().key("labflow:namespace").value(Lab.NAMESPACE).build();
    var iam = clients.iam();
    iam.createRole(b -> b.roleName(PREFIX + "-stray").tags(tag, ns).assumeRolePolicyDocument(
        "{\"Version\":\"2012-10-17\",\"Statement\":[]}"));
    iam.putRolePolicy(b -> b.roleName(PREFIX + "-stray").policyName("inline")
        .policyDocument(doc("s3:GetObject")));
    iam.createInstanceProfile(b -> b.instanceProfileName(PREFIX + "-stray").tags(tag, ns));
    iam.addRoleToInstanceProfile(b -> b.instanceProfileName(PREFIX + "-stray").roleName(PREFIX + "-stray"));
    String arn = iam.createPolicy(b -> b.policyName(PREFIX + "-stray").tags(tag, ns)
        .policyDocument(doc("s3:GetObject"))).policy().arn();
    iam.createPolicyVersion(b -> b.policyArn(arn).policyDocument(doc("s3:PutObject")).setAsDefault(true));
    iam.createUser(b -> b.userName("someone"));
    iam.attachUserPolicy(b -> b.userName("someone").policyArn(arn));
    iam.createGroup(b -> b.groupName("some-group"));
    iam.attachGroupPolicy(b -> b.groupName("some-group").policyArn(arn));
  }

  private static String doc(String action) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"" + action
        + "\",\"Resource\":\"*\"}]}";
  }

  private <T> T activity(Class<T> type) {
    if (activities == null) {
      activities = TestActivityEnvironment.newInstance();
      activities.registerActivitiesImplementations(
          StepLibrary.implementations(clients, Lab.definitionsDir()).toArray());
    }
    return activities.newActivityStub(type, ActivityOptions.newBuilder()
        .setStartToCloseTimeout(Duration.ofMinutes(3))
        .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(1).build()).build());
  }

  private WorkflowClient startWorker(AccountGuard guard) {
    env = TestWorkflowEnvironment.newInstance();
    for (var key : LabSearchAttributes.ALL) {
      env.registerSearchAttribute(key.getName(), IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    Worker worker = env.newWorker("labflow");
    worker.registerWorkflowImplementationTypes(LabWorkflowImpl.class);
    ActionCatalog catalog = ActionCatalog.fromActivityInterfaces(
        StepLibrary.activityInterfaces().toArray(Class[]::new));
    worker.registerActivitiesImplementations(new DefinitionActivitiesImpl(
        new DirectoryDefinitionSource(Lab.definitionsDir()), new DefinitionLoader(catalog),
        (labId, resolved) -> guard.verify(), SiteParameters.NONE));
    worker.registerActivitiesImplementations(
        StepLibrary.implementations(clients, Lab.definitionsDir()).toArray());
    env.start();
    return env.getWorkflowClient();
  }
}
