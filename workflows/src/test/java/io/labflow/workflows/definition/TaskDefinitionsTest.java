package io.labflow.workflows.definition;

import static java.util.stream.Collectors.toMap;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Check;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.Task;
import io.labflow.workflows.yaml.Diagnostic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The learner's tasks as the loader reads them, on the real step library's catalog. */
@Tag("fast")
class TaskDefinitionsTest {

  private final DefinitionLoader loader = new DefinitionLoader(StepLibraryCatalog.create());

  private Definition load(String file, String text) {
    LoadResult result = loader.load(file, text);
    assertThat(result.errors()).isEmpty();
    return result.definitionOrNull();
  }

  @Test
  void theChallengeLoadsWithItsFiveTasks() throws IOException {
    Path file = Path.of("../definitions/iam-service-role-challenge.yaml");
    Definition d = load(file.getFileName().toString(), Files.readString(file));

    assertThat(d.steps()).extracting(Step::id)
        .containsExactly("learner-leftovers", "create-stack", "learner-access");
    assertThat(d.tasks())
        .extracting(Task::id)
        .containsExactly(
            "create-role", "create-policy", "attach-policy", "instance-profile", "add-put");
    assertThat(d.tasks()).extracting(Task::points).containsExactly(20, 25, 15, 25, 15);
    assertThat(d.tasks())
        .extracting(t -> t.checks().stream().map(Check::action).toList())
        .containsExactly(
            List.of("CheckRoleTrust", "CheckRoleBoundary"),
            List.of("CheckPolicyScope"),
            List.of("CheckPolicyAttached", "CheckAccess"),
            List.of("CheckInstanceProfile", "CheckProfileOnInstance"),
            List.of("CheckPolicyScope", "CheckAccess"));
    assertThat(d.tasks()).allSatisfy(t -> {
      assertThat(t.solve()).isNotEmpty();
      assertThat(t.checks()).allSatisfy(c -> assertThat(c.hint()).isNotBlank());
    });
    assertThat(d.tasks().get(4).solve())
        .extracting(s -> ((ActionStep) s).action())
        .containsExactly("AdoptPolicy", "CreatePolicyVersion");
    // Adopt steps are steps: resolved by the defaults, undone at teardown like any other (by
    // adopting again what the learner left; DeleteLearnerAccess deletes it).
    ActionStep adoptRole = (ActionStep) d.tasks().get(0).adopt().get(0);
    assertThat(adoptRole.action()).isEqualTo("AdoptRole");
    assertThat(adoptRole.with()).containsEntry("notBefore", "${lab.startedAt}");
    assertThat(adoptRole.compensate().action()).isEqualTo("AdoptRole");
    assertThat(adoptRole.compensate().with()).containsEntry("ifExists", true);
    assertThat(adoptRole.timeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(d.keepAlive()).isEqualTo(Duration.ofHours(24));
    assertThat(d.maxLifetime()).isEqualTo(Duration.ofHours(168));
    assertThat(d.expiryWarning()).isEqualTo(Duration.ofMinutes(30));
  }

  /**
   * What the tutorial reads from the stack's outputs the learner is given: the learner's
   * credentials read no CloudFormation stack, so the instructions name the bucket and the instance.
   */
  @Test
  void theChallengeGivesTheLearnerTheBucketAndTheInstanceItCannotLookUp() throws IOException {
    Path file = Path.of("../definitions/iam-service-role-challenge.yaml");
    Map<String, String> instructions = load(file.getFileName().toString(),
        Files.readString(file)).tasks().stream().collect(toMap(Task::id, Task::instructions));

    assertThat(instructions.get("create-policy"))
        .contains("`arn:aws:s3:::${steps.create-stack.bucketName}/*`");
    assertThat(instructions.get("instance-profile")).contains("${steps.create-stack.instanceId}");
    assertThat(instructions.values()).noneMatch(i -> i.contains("stack's outputs"));
  }

  /** A hint's command runs as written: EC2's associate needs the profile as well as the instance. */
  @Test
  void theChallengesAssociateHintNamesTheProfile() throws IOException {
    Path file = Path.of("../definitions/iam-service-role-challenge.yaml");
    Check onInstance = load(file.getFileName().toString(), Files.readString(file)).tasks().stream()
        .flatMap(t -> t.checks().stream()).filter(c -> c.id().equals("profile-on-instance"))
        .findFirst().orElseThrow();

    assertThat(onInstance.hint()).contains("aws ec2 associate-iam-instance-profile --instance-id"
        + " ${steps.create-stack.instanceId} --iam-instance-profile Name=labflow-${lab.labId}-role");
  }

  /**
   * A check takes the defaults' timeout, and CheckAccess asks again for its whole budget while the
   * answer is wrong: a budget an attempt cannot outlast (with a last round of simulate calls) times
   * a wrong answer out and retries it for minutes, ending in "could not check", not what is wrong.
   */
  @Test
  void everyAccessCheckOfTheChallengeAnswersWithinItsTimeout() throws IOException {
    Path file = Path.of("../definitions/iam-service-role-challenge.yaml");
    Definition d = load(file.getFileName().toString(), Files.readString(file));
    List<Check> access = d.tasks().stream().flatMap(t -> t.checks().stream())
        .filter(c -> c.action().equals("CheckAccess")).toList();
    assertThat(access).hasSize(2);
    for (Check c : access) {
      Matcher ref = Pattern.compile("\\$\\{params\\.(\\w+)}")
          .matcher(String.valueOf(c.with().get("budgetSeconds")));
      assertThat(ref.matches()).as(c.id()).isTrue();
      Pattern taken = Pattern.compile(d.parameters().get(ref.group(1)).pattern());
      int largest = IntStream.rangeClosed(0, 3600)
          .filter(n -> taken.matcher(String.valueOf(n)).matches()).max().orElseThrow();
      assertThat(Duration.ofSeconds(largest).plusSeconds(15)).as(c.id())
          .isLessThanOrEqualTo(c.asStep(d.defaults()).timeout());
    }
  }

  @Test
  void aTaskKeepsWhatItSays() {
    Definition d =
        load(
            "one-task.yaml",
            """
            name: one-task
            keepAlive: 2h
            steps:
              - id: clean
                action: DeleteLabResources
                with: {labId: "${lab.labId}"}
            tasks:
              - id: make-role
                title: Make ${lab.labId}-role
                instructions: "**Do** it."
                points: 7
                checks:
                  - id: trusted
                    action: CheckRoleTrust
                    with: {labId: "${lab.labId}", roleName: r, servicePrincipal: ec2.amazonaws.com}
                    message: Let EC2 assume it.
            """);

    Task t = d.tasks().get(0);
    assertThat(t).extracting(Task::title, Task::instructions, Task::points, Task::line)
        .containsExactly("Make ${lab.labId}-role", "**Do** it.", 7, 8);
    assertThat(t.checks())
        .containsExactly(
            new Check(
                "trusted",
                "CheckRoleTrust",
                Map.of("labId", "${lab.labId}", "roleName", "r", "servicePrincipal", "ec2.amazonaws.com"),
                "Let EC2 assume it.",
                null,
                13));
    assertThat(t.solve()).isEmpty();
    assertThat(t.adopt()).isEmpty();
    assertThat(d.maxLifetime()).isNull();
    assertThat(d.lifetimeLimit()).isEqualTo(Duration.ofHours(2));
    assertThat(d.warningBeforeExpiry()).isEqualTo(Definition.DEFAULT_EXPIRY_WARNING);
  }

  @Test
  void maxLifetimeShorterThanKeepAliveIsRefused() {
    LoadResult result =
        loader.load(
            "short.yaml",
            """
            name: short
            keepAlive: 2h
            maxLifetime: 1h
            steps:
              - id: clean
                action: DeleteLabResources
                with: {labId: "${lab.labId}"}
            """);

    assertThat(result.errors())
        .extracting(Diagnostic::toString)
        .containsExactly("short.yaml:3:14: maxLifetime: maxLifetime 1h is shorter than keepAlive 2h");
  }
}
