package io.labflow.worker.cli;

import static io.labflow.worker.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.iam.PolicyDocuments;
import io.labflow.worker.e2e.Labs;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that need neither Temporal nor AWS: validate, plan, graph, and usage errors. */
@Tag("fast")
class CliOfflineTest {

  private static String lab(String name) {
    return Labs.file(name).toString();
  }

  private static final String BROKEN =
      Tools.repoRoot().resolve("worker/src/test/resources/bad/broken.yaml").toString();

  @Test
  void validateAcceptsGoodFiles() {
    CliRun r = run("validate", lab("iam-mini"), lab("pause-lab"));
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains(lab("iam-mini") + ": valid", lab("pause-lab") + ": valid",
        "2 valid, 0 invalid");
  }

  @Test
  void validatePrintsEveryDiagnosticWithFileLineAndColumn() {
    CliRun r = run("validate", lab("iam-mini"), BROKEN);
    assertThat(r.code()).isEqualTo(1);
    List<String> lines = r.out().lines().filter(l -> l.startsWith(BROKEN + ":")).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith(BROKEN + ":4:13: steps[0].action: ")
        .contains("CreateRoll").contains("CreateRole");
    assertThat(lines.get(1)).startsWith(BROKEN + ":11:").contains("steps[1].with.roleName")
        .contains("nowhere");
    assertThat(r.out()).contains("1 valid, 1 invalid").doesNotContain("Exception");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void validateReportsUnreadableFilesWithoutStackTrace() {
    CliRun r = run("validate", "/nonexistent/lab.yaml");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).startsWith("/nonexistent/lab.yaml:0:0: $: cannot read the file");
    assertThat(r.all()).doesNotContain("\tat ");
  }

  /**
   * The stack templates a definition names, with its defaults and the site parameters, are read as
   * the run's preflight reads them and refused with its sentence: before, validate read none.
   */
  @Test
  void validateRefusesAMissingOrBrokenStackTemplateAsThePreflightWould(@TempDir Path dir)
      throws Exception {
    String text = Files.readString(Lab.defaultedTemplateDefinition(dir));
    Path missing = Files.writeString(dir.resolve("missing.yaml"),
        text.replace("topic.yaml", "nope.yaml"));
    Path broken = Files.writeString(dir.resolve("broken.yaml"),
        text.replace("topic.yaml", "bad.yaml"));
    Files.writeString(dir.resolve("templates/bad.yaml"), "Resources:\n  X: [a,\n");
    Path templates = dir.resolve("templates").toAbsolutePath();

    CliRun r = run("--definitions", dir.toString(), "validate", dir.resolve("param-default.yaml")
        .toString(), dir.resolve("param-template.yaml").toString(), missing.toString(),
        broken.toString());

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    // A required parameter with no value names its template only at run time: not read.
    assertThat(r.out()).contains(dir.resolve("param-default.yaml") + ": valid\n",
        dir.resolve("param-template.yaml") + ": valid\n");
    assertThat(r.out()).contains(missing + ": step 'stack' with.templateFile: templateFile"
        + " 'templates/nope.yaml': cannot read " + templates.resolve("nope.yaml") + "\n",
        broken + ": step 'stack' with.templateFile: templateFile 'templates/bad.yaml': "
            + templates.resolve("bad.yaml") + " is not valid YAML or JSON (line 3, column 1:"
            + " expected the node content, but found '<stream end>')\n",
        "2 valid, 2 invalid");
    // The site's value comes before the definition's default, as the worker binds them.
    CliRun site = run("--definitions", dir.toString(), "validate", missing.toString(),
        "--site-parameters", "{\"template\": \"env.yaml\"}");
    assertThat(site.code()).as(site.all()).isZero();
  }

  /**
   * A stack step whose parameters do not match its template's, which CloudFormation refuses at
   * CreateStack after the earlier steps created things, is refused by the preflight's sentence:
   * before, validate passed both and moto created the stack with a parameter it lacks.
   */
  @Test
  void validateRefusesStackParametersTheTemplateDoesNotMatch(@TempDir Path dir) throws Exception {
    String text = Files.readString(Lab.defaultedTemplateDefinition(dir));
    Path extra = Files.writeString(dir.resolve("extra.yaml"),
        text.replace("BucketName: ", "Nope: x, BucketName: "));
    Path unset = Files.writeString(dir.resolve("unset.yaml"), text
        .replace("parameters: {BucketName: \"labflow-${lab.labId}-bucket\"}", "parameters: {}")
        .replace("topic.yaml", "env.yaml"));

    CliRun r = run("--definitions", dir.toString(), "validate", dir.resolve("param-default.yaml")
        .toString(), extra.toString(), unset.toString());

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).contains(dir.resolve("param-default.yaml") + ": valid\n",
        extra + ": step 'stack' with.parameters: templateFile 'templates/topic.yaml' declares no"
            + " parameter 'Nope', which CloudFormation then refuses\n",
        unset + ": step 'stack' with.parameters: templateFile 'templates/env.yaml' declares"
            + " parameter 'BucketName' without a Default, and with.parameters does not set it\n",
        "1 valid, 2 invalid");
  }

  /**
   * A templateFile naming the lab id is known only at run time, as one named by a step's output:
   * validate, which has no lab id, does not read it. Before, it filled in an empty id and refused
   * the definition: "cannot read .../templates/.yaml".
   */
  @Test
  void validateLeavesATemplateNamedByTheLabIdToTheRun(@TempDir Path dir) throws Exception {
    String text = Files.readString(Lab.defaultedTemplateDefinition(dir));
    Files.writeString(dir.resolve("templates/lab-042.yaml"), Lab.TOPIC_TEMPLATE);
    Path perLab = Files.writeString(dir.resolve("per-lab.yaml"),
        text.replace("templates/${params.template}", "templates/${lab.labId}.yaml"));

    CliRun r = run("--definitions", dir.toString(), "validate", perLab.toString());

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).isEqualTo(perLab + ": valid\n");
  }

  /**
   * A run's templates are read where the worker reads them, in its definitions directory (a run
   * sends the file's text, not its directory): so does validate, and when that directory is not
   * there, it says what to set. Before, it said only that it could not read each template.
   */
  @Test
  void validateWithNoDefinitionsDirectorySaysWhatToSet(@TempDir Path dir) throws Exception {
    Path file = Lab.defaultedTemplateDefinition(dir);
    Path none = dir.resolve("nowhere");

    CliRun r = run("--definitions", none.toString(), "validate", file.toString());

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.out()).isEqualTo(file + ": step 'stack' with.templateFile: templateFile"
        + " 'templates/topic.yaml': cannot read " + none.resolve("templates/topic.yaml") + "\n"
        + file + ": no definitions directory " + none + " to read templates from: set"
        + " --definitions (env LABFLOW_DEFINITIONS_DIR) to the directory the worker reads them"
        + " from\n");
  }

  @Test
  void aWorkerWithNoAwsRegionSaysSoInOneSentence() {
    CliRun r = CliRun.withoutAwsRegion(() -> run("worker", "--metrics-port=-1"));

    assertThat(r.code()).as(r.all()).isEqualTo(1);
    assertThat(r.err()).as(r.all()).isEqualTo("labflow: no AWS region: set AWS_REGION, or a"
        + " region in the profile AWS_PROFILE names (default: default) in ~/.aws/config\n");
  }

  @Test
  void usageErrorsExitWithTwo() {
    assertThat(run("validate").code()).isEqualTo(2);
    assertThat(run("frobnicate").code()).isEqualTo(2);
    CliRun badParam = run("plan", lab("iam-mini"), "-p", "nope=1");
    assertThat(badParam.code()).isEqualTo(2);
    assertThat(badParam.err()).contains("unknown parameter 'nope'");
    CliRun badVariant = run("plan", lab("iam-mini"), "--variant", "admin");
    assertThat(badVariant.code()).isEqualTo(2);
    assertThat(badVariant.err()).contains("unknown variant 'admin'").contains("read-only");
    CliRun noDefinitions = run("--definitions", "/nonexistent/definitions", "doctor");
    assertThat(noDefinitions.code()).isEqualTo(2);
    assertThat(noDefinitions.err()).isEqualTo("labflow: --definitions (env"
        + " LABFLOW_DEFINITIONS_DIR): no directory /nonexistent/definitions"
        + System.lineSeparator());
    CliRun badLimit = run("list", "--limit", "-1");
    assertThat(badLimit.code()).isEqualTo(2);
    assertThat(badLimit.err()).isEqualTo("labflow: --limit must be at least 1, got -1"
        + System.lineSeparator());
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd : List.of("validate", "plan", "graph", "run", "status", "resume",
        "switch-variant", "teardown", "list", "fleet", "worker")) {
      CliRun r = run(cmd, "--help");
      assertThat(r.code()).as(cmd).isZero();
      assertThat(r.out()).as(cmd).startsWith("Usage: labflow " + cmd);
    }
    CliRun r = run("fleet", "apply", "--help");
    assertThat(r.out()).contains("FILE", "--paused");
  }

  /**
   * A stack step whose templateFile is named by a parameter counts the template {@code -p} names:
   * before, plan read {@code templates/${params.template}} literally and counted no VPC.
   */
  @Test
  void planCountsTheStackTemplateTheParametersName(@TempDir Path dir) throws Exception {
    Path lab = io.labflow.activities.testing.Lab.parameterisedTemplateDefinition(dir);

    CliRun r = run("--definitions", dir.toString(), "plan", lab.toString(), "--lab-id", "lab-1",
        "-p", "template=env.yaml");

    assertThat(r.code()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).contains("AWS quotas:\n"
        + "  L-F678F1CE (VPCs per Region): 1 per lab\n"
        + "  L-A4707A72 (Internet gateways per Region): 1 per lab\n"
        + "  not checked against the AWS account");
  }

  @Test
  void planListsStepsResourcesAndEveryVariantsPolicyBuiltByTheActivityCode() throws Exception {
    CliRun r = run("plan", lab("iam-mini"), "--lab-id", "lab-042", "-p", "bucket=my-bucket");
    assertThat(r.code()).as(r.err()).isZero();
    String out = r.out();
    assertThat(out.indexOf(" 1. role: CreateRole")).isPositive();
    assertThat(out.indexOf(" 2. policy: CreatePolicy")).isGreaterThan(out.indexOf(" 1. role"));
    assertThat(out.indexOf(" 3. attach: AttachRolePolicy")).isGreaterThan(out.indexOf(" 2. policy"));
    assertThat(out).contains("\"roleName\":\"lab-042-role\"", "undo: DeleteRole",
        "\"policyArn\":\"<steps.policy.policyArn>\"", "tagged labflow:lab=lab-042",
        "1. new-version: CreatePolicyVersion");
    // As the file writes it (before: PT1H).
    assertThat(out).contains("\nThe lab stays live for 1h, then tears itself down.\n");

    ObjectMapper json = new ObjectMapper();
    String readOnly = section(out, "Policy document of variant read-only (chosen):");
    String readWrite = section(out, "Policy document of variant read-write:");
    assertThat(json.readTree(readOnly)).isEqualTo(json.readTree(PolicyDocuments.forBucket(
        "my-bucket", List.of("s3:ListBucket", "s3:GetObject"), false)));
    assertThat(json.readTree(readWrite)).isEqualTo(json.readTree(PolicyDocuments.forBucket(
        "my-bucket", List.of("s3:ListBucket", "s3:GetObject", "s3:PutObject"), false)));
    assertThat(readOnly).doesNotContain("s3:PutObject");
  }

  private static String section(String out, String header) {
    int start = out.indexOf(header);
    assertThat(start).as(header).isNotNegative();
    String rest = out.substring(start + header.length());
    int end = rest.indexOf("\nPolicy document");
    return end < 0 ? rest : rest.substring(0, end);
  }

  @Test
  void graphIsAMermaidFlowchartWithCompensationsAndTheSwitch() {
    CliRun r = run("--definitions", Labs.definitionsDir().toString(), "graph", "iam-mini");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("flowchart TD\n");
    assertThat(r.out()).contains("start --> role\n", "role --> policy\n", "policy --> attach\n",
        "attach --> live\n", "role -.->|compensate| role_undo\n", "undo: DetachRolePolicy",
        "live -.->|switch-variant| switch\n", "switch --> vc_new_version\n");
  }

  @Test
  void parallelGroupsAreSubgraphsWhoseBranchesAllFollowAndPrecedeTheirNeighbours() {
    CliRun graph = run("graph", lab("parallel-mini"));
    assertThat(graph.code()).as(graph.err()).isZero();
    assertThat(graph.out()).contains("subgraph side_by_side [\"parallel: side-by-side\"]\n",
        "role --> policy\n", "role --> profile\n", "policy --> attach\n", "profile --> attach\n",
        "profile -.->|compensate| profile_undo\n", "live((done))");
    CliRun plan = run("plan", lab("parallel-mini"), "--lab-id", "l1");
    assertThat(plan.code()).as(plan.err()).isZero();
    assertThat(plan.out()).contains(" 2. side-by-side (parallel group)\n",
        "      | policy: CreatePolicy", "      | profile: CreateInstanceProfile",
        " 3. attach: AttachRolePolicy");
  }

  @Test
  void graphOfAnInvalidFilePrintsItsDiagnostics() {
    CliRun r = run("graph", BROKEN);
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains(BROKEN + ":4:13:").contains("is invalid (2 problems)");
  }

  @Test
  void unknownDefinitionNameIsAUsageError() {
    CliRun r = run("--definitions", Path.of("/tmp").toString(), "plan", "no-such-lab");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("no definition named no-such-lab");
  }
}
