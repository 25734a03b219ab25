package io.labflow.worker.cli;

import static io.labflow.worker.cli.CliRun.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.e2e.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code labflow worker-policy} and the account guard line of {@code labflow plan}, offline. */
@Tag("fast")
class WorkerPolicyCommandTest {

  private static final String DEFINITIONS = Tools.repoRoot().resolve("definitions").toString();

  private static Set<String> actions(String policy) throws Exception {
    Set<String> out = new TreeSet<>();
    for (JsonNode st : new ObjectMapper().readTree(policy).get("Statement")) {
      st.get("Action").forEach(a -> out.add(a.asText()));
    }
    return out;
  }

  @Test
  void theWholeLibraryIsTheShippedFile() throws Exception {
    CliRun r = run("--definitions", DEFINITIONS, "worker-policy");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo(
        Files.readString(Tools.repoRoot().resolve("definitions/worker-policy.json")));
  }

  @Test
  void tooLargeForOneManagedPolicyItComesInTheShippedParts() throws Exception {
    CliRun whole = run("--definitions", DEFINITIONS, "worker-policy");
    assertThat(whole.err()).isEqualTo("This policy exceeds the 6,144 characters of one managed"
        + " policy: install --part 1 to --part 2 as 2 managed policies (docs/real-aws.md).\n");
    Set<String> together = new TreeSet<>();
    for (int i = 1; i <= 2; i++) {
      CliRun part = run("--definitions", DEFINITIONS, "worker-policy", "--part", String.valueOf(i));
      assertThat(part.code()).as(part.err()).isZero();
      assertThat(part.err()).isEmpty();
      assertThat(part.out()).isEqualTo(Files.readString(
          Tools.repoRoot().resolve("definitions/worker-policy-" + i + ".json")));
      together.addAll(actions(part.out()));
    }
    assertThat(together).isEqualTo(actions(whole.out()));
    CliRun none = run("--definitions", DEFINITIONS, "worker-policy", "--part", "3");
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--part 3: this policy has 2 parts");
  }

  @Test
  void theShippedLabNeedsTheWholeLibraryScopedToItsPrefixes() throws Exception {
    CliRun lab = run("--definitions", DEFINITIONS, "worker-policy", "--definition",
        "iam-service-role-lab", "--account", "111122223333", "--region", "eu-west-1");
    assertThat(lab.code()).as(lab.err()).isZero();
    assertThat(lab.out()).contains("arn:aws:iam::111122223333:role/labflow-*",
        "arn:aws:cloudformation:eu-west-1:111122223333:stack/labflow-*/*", "arn:aws:s3:::labflow-*");
    String library = run("--definitions", DEFINITIONS, "worker-policy").out();
    // The lab uses every step action; with the nightly sweep it needs the whole library.
    assertThat(actions(lab.out())).isEqualTo(actions(library));
  }

  /** A learner task's solve, adopt and check steps run on the worker too (`labflow test`). */
  @Test
  void theChallengeCoversItsLearnerTasksSteps() throws Exception {
    CliRun r = run("--definitions", DEFINITIONS, "worker-policy", "--definition",
        "iam-service-role-challenge");
    assertThat(r.code()).as(r.err()).isZero();
    // Only a task's solve step creates the instance profile and adds the role to it.
    assertThat(actions(r.out()))
        .contains("iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile");
    assertThat(r.out()).contains("arn:aws:iam::*:instance-profile/labflow-*");
  }

  @Test
  void anIamOnlyDefinitionGetsNoCloudFormationNorEc2OutsideTheSweep() throws Exception {
    CliRun r = run("worker-policy", "--definition", Labs.file("iam-mini").toString(),
        "--name-prefix", "lab-");
    assertThat(r.code()).as(r.err()).isZero();
    Set<String> actions = actions(r.out());
    assertThat(actions).contains("iam:CreateRole", "iam:CreatePolicyVersion", "iam:AttachRolePolicy")
        .doesNotContain("cloudformation:CreateStack", "ec2:RunInstances", "sts:AssumeRole",
            "ec2:AssociateIamInstanceProfile");
    assertThat(r.out()).contains("arn:aws:iam::*:role/lab-*");
  }

  @Test
  void aDefinitionWithoutALiteralNamePrefixAsksForOne() {
    CliRun r = run("worker-policy", "--definition", Labs.file("iam-mini").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("share no literal prefix; give --name-prefix");
  }

  /** A run refuses a template outside the definitions directory (CreateStack); so does this. */
  @Test
  void aTemplateOutsideTheDefinitionsDirectoryIsRefused(@TempDir Path dir) throws Exception {
    Path definitions = Files.createDirectory(dir.resolve("definitions"));
    Files.copy(Tools.repoRoot().resolve("definitions/templates/lab-environment.yaml"),
        dir.resolve("outside.yaml"));
    Path lab = definitions.resolve("iam-service-role-lab.yaml");
    Files.writeString(lab, Files.readString(Tools.repoRoot()
        .resolve("definitions/iam-service-role-lab.yaml"))
        .replace("templateFile: templates/lab-environment.yaml", "templateFile: ../outside.yaml"));
    CliRun r = run("--definitions", definitions.toString(), "worker-policy", "--definition",
        "iam-service-role-lab");
    assertThat(r.code()).as(r.out()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(lab + ": templateFile '../outside.yaml' leaves the definitions"
        + " directory " + definitions);
  }

  /**
   * A template named by a parameter is read with its default, as plan counts it; before, the
   * templateFile was read as written, and the valid definition refused.
   */
  @Test
  void aTemplateNamedByAParameterIsReadWithItsDefault(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("env-default.yaml"), Files.readString(
        Lab.parameterisedTemplateDefinition(dir)).replace("name: param-template",
            "name: env-default").replace("{type: string}", "{type: string, default: env.yaml}"));
    assertTheStacksTemplateIsRead(dir, file);
  }

  /**
   * A template named by a parameter the worker's site gives is read with the site's value, as
   * doctor's permission row reads it; before, worker-policy took no site parameters and said the
   * template was known only at run time.
   */
  @Test
  void aTemplateNamedByASiteParameterIsReadWithTheSitesValue(@TempDir Path dir) throws Exception {
    Path file = Lab.parameterisedTemplateDefinition(dir);
    assertTheStacksTemplateIsRead(dir, file, "--site-parameters", "{\"template\": \"env.yaml\"}");
  }

  /** worker-policy --definition FILE reads its stack's VPC template: its EC2 actions granted. */
  private static void assertTheStacksTemplateIsRead(Path dir, Path file, String... more)
      throws Exception {
    List<String> args = new ArrayList<>(List.of("--definitions", dir.toString(), "worker-policy",
        "--definition", file.toString()));
    args.addAll(List.of(more));
    CliRun r = run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).doesNotContain("known only at run time");
    assertThat(actions(r.out())).contains("ec2:CreateVpc", "ec2:RunInstances");
  }

  /**
   * A template named by the lab id is known only at run time: the policy is printed, and what it
   * lacks is said; before, the valid definition was refused.
   */
  @Test
  void aTemplateNamedByTheLabIdIsSaidToBeKnownOnlyAtRunTime(@TempDir Path dir) throws Exception {
    Path file = Lab.perLabTemplateDefinition(dir);
    CliRun r = run("--definitions", dir.toString(), "worker-policy", "--definition",
        file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).isEqualTo(file + ": step 'stack' templateFile 'templates/${lab.labId}.yaml'"
        + " is known only at run time, so this policy grants none of the actions its stack's"
        + " resources need (the whole library's, worker-policy without --definition, covers every"
        + " template in the definitions directory).\n");
    assertThat(actions(r.out())).contains("cloudformation:CreateStack")
        .doesNotContain("ec2:CreateVpc");
  }

  @Test
  void explainListsEveryActionOnStarWithItsReason() {
    CliRun r = run("--definitions", DEFINITIONS, "worker-policy", "--explain");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines()).allSatisfy(l -> assertThat(l).matches("[a-z0-9]+:[A-Za-z]+: .{20,}"));
    assertThat(r.out()).contains("cloudformation:DescribeStacks: the lab inventory describes every stack",
        "ec2:RunInstances: CloudFormation creates and deletes");
  }

  @Test
  void planShowsWhichAccountsAreAllowed() {
    CliRun r = run("plan", Labs.file("iam-mini").toString(), "--lab-id", "lab-042");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("Account guard: AWS accounts allowed: ")
        .contains("the worker checks its own before the first step.");
  }
}
