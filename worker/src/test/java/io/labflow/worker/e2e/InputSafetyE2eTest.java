package io.labflow.worker.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.labflow.activities.testing.ManagedProcess;
import io.labflow.workflows.input.RawJson;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.LabState;
import io.labflow.workflows.lab.LabStatus;
import io.labflow.workflows.lab.LabWorkflow;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.Policy;
import software.amazon.awssdk.services.iam.model.Role;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile and careless input through the Web UI's API (the Temporal client), on a real dev server
 * with the worker running: every malformed input fails fast with a sentence and zero AWS calls and
 * never fails a workflow task; a second workflow cannot take over a live lab.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("e2e")
class InputSafetyE2eTest extends OnLocalStack {

  private static final String QUEUE = "e2e-input";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ManagedProcess worker;
  private static int metricsPort;

  @BeforeAll
  static void startWorker() throws InterruptedException {
    worker = classWorker("worker-input", QUEUE, 0);
    metricsPort = LocalStack.metricsPort(worker);
  }

  /** One malformed input: its workflow id, its JSON, and a fragment its failure message holds. */
  record Bad(String workflowId, String json, String expected) {}

  private static final String INLINE_ARN =
      "name: arn-lab\\nparameters:\\n  principal:\\n    type: string\\n    format: arn\\n"
          + "steps:\\n  - id: role\\n    action: CreateRole\\n    with:\\n      labId: ${lab.labId}\\n"
          + "      roleName: r-${lab.labId}\\n      trustedPrincipalArn: ${params.principal}\\n";
  private static final String INLINE_BUCKET =
      "name: bucket-lab\\nparameters:\\n  bucket:\\n    type: string\\n"
          + "steps:\\n  - id: policy\\n    action: CreatePolicy\\n    with:\\n      labId: ${lab.labId}\\n"
          + "      policyName: p-${lab.labId}\\n      bucketName: ${params.bucket}\\n"
          + "      actions: [s3:GetObject]\\n";

  static List<Bad> malformed() {
    String longName = "n".repeat(200);
    List<Bad> bad = new ArrayList<>();
    // The ten of the issue: each used to fail the workflow task forever.
    bad.add(new Bad("bad-params-list", "{\"definition\":\"iam-mini\",\"parameters\":[\"bucket=x\"]}",
        "request: parameters: parameters must be a JSON object of name to value"));
    bad.add(new Bad("bad-params-string", "{\"definition\":\"iam-mini\",\"parameters\":\"bucket=x\"}",
        "parameters must be a JSON object of name to value, such as {\"bucketPrefix\":\"acme\"}, got a string"));
    bad.add(new Bad("bad-input-string", "\"iam-mini\"", "the lab request must be a JSON object such as"));
    bad.add(new Bad("bad-input-list", "[\"iam-mini\"]", "got a list"));
    bad.add(new Bad("bad-input-number", "42", "got an integer"));
    bad.add(new Bad("bad-variant-list", "{\"definition\":\"iam-mini\",\"variant\":[\"read-only\"]}",
        "request: variant: variant must be a string, got a list"));
    bad.add(new Bad("bad-definition-object", "{\"definition\":{\"name\":\"iam-mini\"}}",
        "request: definition: definition must be a string (the definition's name), got an object"));
    bad.add(new Bad("bad-extra-key", "{\"definition\":\"iam-mini\",\"owner\":\"ada\"}",
        "request: owner: unknown field 'owner'; expected one of: definition, variant, labId"));
    bad.add(new Bad("bad-labid-typo", "{\"definition\":\"iam-mini\",\"labID\":\"bad-labid-typo\"}",
        "unknown field 'labID'; did you mean 'labId'?"));
    bad.add(new Bad("bad-params-typo", "{\"definition\":\"iam-mini\",\"params\":{}}",
        "unknown field 'params'; did you mean 'parameters'?"));
    // More shapes.
    bad.add(new Bad("bad-input-float", "3.5", "got a number"));
    bad.add(new Bad("bad-input-bool", "true", "got a boolean"));
    bad.add(new Bad("bad-input-null", "null", "the lab request is empty"));
    bad.add(new Bad("bad-input-nested", "[[{}]]", "got a list"));
    bad.add(new Bad("bad-input-json-in-string", "\"{\\\"definition\\\":\\\"iam-mini\\\"}\"", "got a string"));
    bad.add(new Bad("bad-empty-object", "{}", "request: definition: name a definition, or send its YAML"));
    bad.add(new Bad("bad-definition-empty", "{\"definition\":\"\"}", "name a definition"));
    bad.add(new Bad("bad-definition-null", "{\"definition\":null,\"definitionYaml\":null}",
        "request: definition: null is not a value"));
    bad.add(new Bad("bad-definition-number", "{\"definition\":7}", "definition must be a string"));
    bad.add(new Bad("bad-definition-unknown", "{\"definition\":\"iam-maxi\"}", "no definition named 'iam-maxi' was found"));
    bad.add(new Bad("bad-definition-path", "{\"definition\":\"../../etc/passwd\"}", "must be lowercase letters, digits and dashes"));
    bad.add(new Bad("bad-definition-long", "{\"definition\":\"" + longName + "\"}", "definition is 200 characters long; at most 128"));
    bad.add(new Bad("bad-variant-unknown", "{\"definition\":\"iam-mini\",\"variant\":\"read-ony\"}",
        "unknown variant 'read-ony'; did you mean 'read-only'?"));
    bad.add(new Bad("bad-variant-long", "{\"definition\":\"iam-mini\",\"variant\":\"" + longName + "\"}", "variant is 200 characters long"));
    bad.add(new Bad("bad-variant-number", "{\"definition\":\"iam-mini\",\"variant\":1}", "variant must be a string, got an integer"));
    bad.add(new Bad("bad-labid-case", "{\"definition\":\"iam-mini\",\"labid\":\"x\"}", "unknown field 'labid'; did you mean 'labId'?"));
    bad.add(new Bad("bad-labid-number", "{\"definition\":\"iam-mini\",\"labId\":5}", "request: labId: labId must be a string, got an integer"));
    bad.add(new Bad("bad-labid-other", "{\"definition\":\"iam-mini\",\"labId\":\"someone-else\"}",
        "labId 'someone-else' differs from the workflow id 'bad-labid-other'"));
    bad.add(new Bad("bad-labid-empty", "{\"definition\":\"iam-mini\",\"labId\":\"\"}", "differs from the workflow id"));
    bad.add(new Bad("Bad_Workflow_Id", "{\"definition\":\"iam-mini\"}", "the workflow id 'Bad_Workflow_Id' is the lab id, which must be lowercase"));
    bad.add(new Bad("bad-param-unknown", "{\"definition\":\"iam-mini\",\"parameters\":{\"buckt\":\"x\"}}",
        "unknown parameter 'buckt'; did you mean 'bucket'?"));
    bad.add(new Bad("bad-param-empty-name", "{\"definition\":\"iam-mini\",\"parameters\":{\"\":1}}", "unknown parameter ''"));
    bad.add(new Bad("bad-param-object", "{\"definition\":\"iam-mini\",\"parameters\":{\"bucket\":{\"x\":1}}}",
        "parameter 'bucket' must be a string"));
    bad.add(new Bad("bad-param-pattern", "{\"definition\":\"iam-mini\",\"parameters\":{\"bucket\":\"Not_A_Bucket\"}}",
        "does not match pattern"));
    bad.add(new Bad("bad-param-5k", "{\"definition\":\"iam-mini\",\"parameters\":{\"bucket\":\"" + "b".repeat(5000) + "\"}}",
        "request: parameters.bucket: the value is 4 KiB; a parameter may hold at most 4 KiB"));
    bad.add(new Bad("bad-param-huge", "{\"definition\":\"iam-mini\",\"parameters\":{\"bucket\":\"" + "h".repeat(1_990_000) + "\"}}",
        "the lab request is 1.9 MiB; at most 256 KiB are allowed"));
    bad.add(new Bad("bad-param-many", "{\"definition\":\"iam-mini\",\"parameters\":" + manyParameters() + "}",
        "100 parameters given; at most 64 are allowed"));
    bad.add(new Bad("bad-onfailure-value", "{\"definition\":\"iam-mini\",\"onFailure\":\"explode\"}",
        "request: onFailure: onFailure must be 'rollback' or 'pause', got 'explode'"));
    bad.add(new Bad("bad-onfailure-case", "{\"definition\":\"iam-mini\",\"onFailure\":\"PAUSE\"}", "got 'PAUSE'; did you mean 'pause'?"));
    bad.add(new Bad("bad-onfailure-number", "{\"definition\":\"iam-mini\",\"onFailure\":1}",
        "request: onFailure: onFailure must be 'rollback' or 'pause', got an integer"));
    bad.add(new Bad("bad-yaml-number", "{\"definitionYaml\":12}", "definitionYaml must be a string"));
    bad.add(new Bad("bad-yaml-syntax", "{\"definitionYaml\":\"name: [unclosed\"}", "inline:definition:"));
    bad.add(new Bad("bad-yaml-action", "{\"definitionYaml\":\"name: x\\nsteps:\\n  - id: a\\n    action: CreateRoll\\n    with: {}\\n\"}",
        "CreateRoll"));
    bad.add(new Bad("bad-arn-star", "{\"definitionYaml\":\"" + INLINE_ARN + "\",\"parameters\":{\"principal\":\"*\"}}",
        "parameter 'principal' value '*' contains a wildcard"));
    bad.add(new Bad("bad-arn-malformed", "{\"definitionYaml\":\"" + INLINE_ARN
        + "\",\"parameters\":{\"principal\":\"arn:aws:iam::123:role/x\"}}", "is not an IAM principal ARN"));
    bad.add(new Bad("bad-arn-service", "{\"definitionYaml\":\"" + INLINE_ARN
        + "\",\"parameters\":{\"principal\":\"ec2.amazonaws.com\"}}", "is not an IAM principal ARN"));
    bad.add(new Bad("bad-bucket-73", "{\"definitionYaml\":\"" + INLINE_BUCKET
        + "\",\"parameters\":{\"bucket\":\"" + "b".repeat(73) + "\"}}",
        "step 'policy' (CreatePolicy): field 'bucketName': S3 bucket name 'bbbb"));
    bad.add(new Bad("bad-bucket-chars", "{\"definitionYaml\":\"" + INLINE_BUCKET
        + "\",\"parameters\":{\"bucket\":\"My_Bucket\"}}", "must hold only lowercase letters, digits, dots and hyphens"));
    bad.add(new Bad("bad-role-literal", "{\"definitionYaml\":\"name: x\\nsteps:\\n  - id: a\\n"
        + "    action: CreateRole\\n    with:\\n      labId: ${lab.labId}\\n      roleName: " + "r".repeat(70) + "\\n\"}",
        "IAM role name 'rrrr"));
    // A null is not "absent"; a request names a definition or sends one, not both.
    bad.add(new Bad("bad-variant-null", "{\"definition\":\"iam-mini\",\"variant\":null}",
        "request: variant: null is not a value"));
    bad.add(new Bad("bad-param-null", "{\"definition\":\"iam-mini\",\"parameters\":{\"bucket\":null}}",
        "request: parameters.bucket: null is not a value"));
    bad.add(new Bad("bad-definition-both", "{\"definition\":\"iam-mini\",\"definitionYaml\":\"name: x\"}",
        "give either definition (a definition's name) or definitionYaml (a whole definition), not both"));
    // The reset workflow's input follows the same rules.
    bad.add(new Bad("reset-bad-string", "\"lab-1\"", "a reset request must be a JSON object"));
    bad.add(new Bad("reset-bad-typo", "{\"labID\":\"lab-1\",\"definition\":\"iam-mini\"}",
        "unknown field 'labID'; did you mean 'labId'?"));
    bad.add(new Bad("reset-bad-params", "{\"labId\":\"lab-1\",\"definition\":\"iam-mini\",\"parameters\":[]}",
        "parameters must be a JSON object"));
    bad.add(new Bad("reset-bad-labid", "{\"labId\":\"Lab 1\",\"definition\":\"iam-mini\"}",
        "must be lowercase letters, digits and dashes"));
    bad.add(new Bad("reset-bad-missing", "{}", "request: labId: labId is required"));
    return bad;
  }

  private static String manyParameters() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      m.put("p" + i, i);
    }
    try {
      return JSON.writeValueAsString(m);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyMalformedInputFailsFastWithASentenceAndNoAwsCall() throws Exception {
    List<Bad> inputs = malformed();
    assertThat(inputs).hasSizeGreaterThanOrEqualTo(40);
    double before = awsCalls();
    WorkflowClient client = stack.client();
    Map<String, WorkflowStub> stubs = new LinkedHashMap<>();
    for (Bad b : inputs) {
      String type = b.workflowId().startsWith("reset-") ? "LabResetWorkflow" : LabWorkflow.TYPE;
      WorkflowStub stub = client.newUntypedWorkflowStub(type,
          WorkflowOptions.newBuilder().setWorkflowId(b.workflowId()).setTaskQueue(QUEUE).build());
      JsonNode input = JSON.readTree(b.json());
      stub.start(input);
      stubs.put(b.workflowId(), stub);
    }
    List<String> wrong = new ArrayList<>();
    long slowest = 0;
    for (Bad b : inputs) {
      String message;
      try {
        stubs.get(b.workflowId()).getResult(30, TimeUnit.SECONDS, Object.class);
        wrong.add(b.workflowId() + ": completed");
        continue;
      } catch (WorkflowFailedException e) {
        message = e.getCause() instanceof ApplicationFailure af ? af.getOriginalMessage() : String.valueOf(e.getCause());
        if (!(e.getCause() instanceof ApplicationFailure af) || !af.isNonRetryable()) {
          wrong.add(b.workflowId() + ": not a non-retryable ApplicationFailure: " + e.getCause());
        }
      }
      List<HistoryEvent> events = history(b.workflowId());
      HistoryEvent first = events.get(0);
      HistoryEvent last = events.get(events.size() - 1);
      long millis = Duration.between(
          java.time.Instant.ofEpochSecond(first.getEventTime().getSeconds(), first.getEventTime().getNanos()),
          java.time.Instant.ofEpochSecond(last.getEventTime().getSeconds(), last.getEventTime().getNanos())).toMillis();
      if (last.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED) {
        wrong.add(b.workflowId() + ": closed with " + last.getEventType());
      }
      slowest = Math.max(slowest, millis);
      if (millis > 10_000) {
        wrong.add(b.workflowId() + ": took " + millis + " ms");
      }
      if (events.stream().anyMatch(ev -> ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)) {
        wrong.add(b.workflowId() + ": has a WORKFLOW_TASK_FAILED event");
      }
      if (!message.contains(b.expected())) {
        wrong.add(b.workflowId() + ": message " + clip(message) + " lacks " + clip(b.expected()));
      }
      if (message.length() > 2000) {
        wrong.add(b.workflowId() + ": message of " + message.length() + " characters");
      }
      assertThat(client.newUntypedWorkflowStub(b.workflowId()).describe().getStatus())
          .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_FAILED);
    }
    assertThat(wrong).as("inputs that broke a promise").isEmpty();
    assertThat(awsCalls()).as("AWS calls made by the worker for malformed inputs").isEqualTo(before);
    // Nothing unbounded reaches the worker's log (the 1.9 MiB parameter included).
    assertThat(Files.readAllLines(worker.log()).stream().mapToInt(String::length).max().orElse(0))
        .isLessThan(8 * 1024);
    System.out.printf("[figures] %d malformed inputs started at once: all FAILED, slowest start-to-close"
        + " %d ms (server event times), 0 AWS calls, 0 workflow task failures%n", inputs.size(), slowest);

    // The counter is live: a valid run right after does call AWS.
    LabWorkflow ok = start("input-control", new LabRequest("iam-mini", null, null,
        Map.of("bucket", "input-control-bucket"), null));
    awaitState(ok, LabState.LIVE);
    assertThat(awsCalls()).isGreaterThan(before);
    ok.teardown(null);
  }

  @Test
  void aSecondWorkflowCannotTakeOverALiveLab() throws Exception {
    LabWorkflow dupA = start("dup-a", new LabRequest("iam-mini", "read-only", "dup-a",
        Map.of("bucket", "dup-a-bucket"), null));
    LabStatus live = awaitState(dupA, LabState.LIVE);
    Role role = iam.roles("dup-a").get(0);
    Policy policy = iam.policies("dup-a").get(0);
    String version = iam.client().getPolicy(b -> b.policyArn(policy.arn())).policy().defaultVersionId();
    String document = iam.defaultDocument(policy);
    int rolesBefore = iam.client().listRolesPaginator().roles().stream().toList().size();

    // 1. The reported attack: another workflow id claiming labId dup-a.
    String claim = "{\"definition\":\"iam-mini\",\"variant\":\"read-write\",\"labId\":\"dup-a\","
        + "\"parameters\":{\"bucket\":\"dup-a-bucket\"}}";
    assertThat(failure("dup-impostor", JSON.readTree(claim)))
        .contains("labId 'dup-a' differs from the workflow id 'dup-impostor'");

    // 2. Forged tags: an inline definition writing dup-a's id into every step.
    String yaml = Files.readString(Labs.file("iam-mini")).replace("${lab.labId}", "dup-a");
    ObjectNode forged = JSON.createObjectNode().put("variant", "read-write")
        .put("definitionYaml", yaml);
    forged.putObject("parameters").put("bucket", "dup-a-bucket");
    assertThat(failure("dup-forger", forged))
        .contains("labId 'dup-a' is not this lab ('dup-forger'): a lab's steps act only for the lab itself");

    // 3. Its own lab id, dup-a's resource names: adoption is refused, and so is the undo.
    String names = Files.readString(Labs.file("iam-mini"))
        .replace("roleName: ${lab.labId}-role", "roleName: dup-a-role")
        .replace("policyName: ${lab.labId}-policy", "policyName: dup-a-policy");
    ObjectNode squatter = JSON.createObjectNode().put("variant", "read-write")
        .put("definitionYaml", names);
    squatter.putObject("parameters").put("bucket", "dup-a-bucket");
    assertThat(failure("dup-squatter", squatter))
        .contains("role dup-a-role exists but was not created by this run of lab dup-squatter");

    // dup-a is untouched: same role, same policy version and document, still LIVE read-only.
    assertThat(iam.roles("dup-a")).extracting(Role::roleId).containsExactly(role.roleId());
    assertThat(iam.roles("dup-a").get(0).createDate()).isEqualTo(role.createDate());
    assertThat(iam.policies("dup-a")).extracting(Policy::arn).containsExactly(policy.arn());
    assertThat(iam.client().getPolicy(b -> b.policyArn(policy.arn())).policy().defaultVersionId())
        .isEqualTo(version);
    assertThat(iam.defaultDocument(policy)).isEqualTo(document).doesNotContain("s3:PutObject");
    assertThat(iam.attached("dup-a-role")).extracting(p -> p.policyArn()).containsExactly(policy.arn());
    assertThat(iam.client().listRolesPaginator().roles().stream().toList()).hasSize(rolesBefore);
    LabStatus after = dupA.status();
    assertThat(after.state()).isEqualTo(LabState.LIVE);
    assertThat(after.variant()).isEqualTo("read-only");
    assertThat(after.steps()).isEqualTo(live.steps());

    // Wrong update and signal arguments are rejected with a sentence, never a workflow task failure.
    WorkflowStub untyped = WorkflowStub.fromTyped(dupA);
    assertThat(updateError(untyped, "switchVariant", List.of("read-write")))
        .contains("the variant must be a string (a variant's name), got a list");
    assertThat(updateError(untyped, "switchVariant", "read-wrte"))
        .contains("unknown variant 'read-wrte'");
    assertThat(updateError(untyped, "resume", "RETYR"))
        .contains("unknown decision 'RETYR'; did you mean 'RETRY'?");
    assertThat(updateError(untyped, "resume", Map.of("decision", "RETRY")))
        .contains("the decision must be a string");
    // The worker's log says so: Updates refused, not lab dup-a failing (the SDK's own words).
    List<String> refusals = Files.readAllLines(worker.log()).stream()
        .filter(l -> l.contains("WorkflowId='dup-a'")).toList();
    assertThat(refusals).hasSize(4).allSatisfy(l -> assertThat(l).contains(
        "Update rejected (the workflow goes on) WorkflowId='dup-a'", "InvalidArgument: "));
    untyped.signal("decide", List.of(1, 2));
    assertThat(dupA.status().state()).isEqualTo(LabState.LIVE);
    assertThat(history("dup-a"))
        .noneMatch(ev -> ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);

    // And dup-a still works: its own switch and teardown succeed.
    assertThat(dupA.switchVariant(RawJson.of("read-write")).state()).isEqualTo(LabState.LIVE);
    assertThat(dupA.teardown(null).state()).isEqualTo(LabState.TORN_DOWN);
    assertThat(iam.roles("dup-a")).isEmpty();
    assertThat(iam.policies("dup-a")).isEmpty();
  }

  private static LabWorkflow start(String workflowId, LabRequest request) {
    LabWorkflow lab = stack.client().newWorkflowStub(LabWorkflow.class,
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(QUEUE).build());
    WorkflowClient.start(lab::run, RawJson.of(request));
    return lab;
  }

  /** Starts a run with this raw input and returns its failure message; it must fail in 30 s. */
  private static String failure(String workflowId, Object input) throws Exception {
    WorkflowStub stub = stack.client().newUntypedWorkflowStub(LabWorkflow.TYPE,
        WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(QUEUE).build());
    stub.start(input);
    try {
      stub.getResult(30, TimeUnit.SECONDS, Object.class);
    } catch (WorkflowFailedException e) {
      assertThat(history(workflowId)).noneMatch(ev -> ev.getEventType() == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED);
      return String.valueOf(e.getCause() instanceof ApplicationFailure af ? af.getOriginalMessage() : e.getCause());
    }
    throw new AssertionError(workflowId + " completed");
  }

  /** The message with which the update's validator rejected these arguments. */
  private static String updateError(WorkflowStub stub, String update, Object argument) {
    try {
      stub.update(update, LabStatus.class, argument);
    } catch (RuntimeException e) {
      Throwable t = e;
      while (t.getCause() != null) {
        t = t.getCause();
      }
      return t instanceof ApplicationFailure af ? af.getOriginalMessage() : String.valueOf(t.getMessage());
    }
    throw new AssertionError(update + " accepted " + argument);
  }

  private static LabStatus awaitState(LabWorkflow lab, LabState state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    LabStatus last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = lab.status();
        if (last.state() == state) {
          return last;
        }
      } catch (RuntimeException e) {
        // Not started yet.
      }
      Thread.sleep(200);
    }
    throw new AssertionError("not " + state + ": " + last + "\n" + worker.tail());
  }

  private static List<HistoryEvent> history(String workflowId) {
    return stack.client().getWorkflowServiceStubs().blockingStub().getWorkflowExecutionHistory(
            GetWorkflowExecutionHistoryRequest.newBuilder().setNamespace("default")
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId)).build())
        .getHistory().getEventsList();
  }

  private static double awsCalls() throws Exception {
    String metrics = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("^labflow_aws_calls_total\\{[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE)
        .matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  private static String clip(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }
}
