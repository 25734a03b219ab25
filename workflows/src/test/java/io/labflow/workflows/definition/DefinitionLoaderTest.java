package io.labflow.workflows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Compensation;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.model.ParallelGroup;
import io.labflow.workflows.model.ParameterDef;
import io.labflow.workflows.model.RetrySpec;
import io.labflow.workflows.model.Step;
import io.labflow.workflows.model.StepDefaults;
import io.labflow.workflows.yaml.Diagnostic;
import io.labflow.workflows.yaml.Suggestions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
public class DefinitionLoaderTest {

  private final DefinitionLoader loader = new DefinitionLoader(StepLibraryCatalog.create());

  public static String resource(String path) throws IOException {
    try (InputStream in = DefinitionLoaderTest.class.getResourceAsStream("/definitions/" + path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private Definition loadValid(String path) throws IOException {
    LoadResult result = loader.load(path, resource(path));
    assertThat(result.errors()).isEmpty();
    assertThat(result.ok()).isTrue();
    return result.definitionOrNull();
  }

  @Test
  void loadsEveryKeyOfTheFullDefinition() throws IOException {
    Definition d = loadValid("valid/full-lab.yaml");

    assertThat(d.name()).isEqualTo("iam-service-role-lab");
    assertThat(d.description())
        .isEqualTo("Give an EC2 instance access to a bucket through an IAM service role.");
    assertThat(d.version()).isEqualTo("1.2");
    assertThat(d.parameters().keySet())
        .containsExactly("region", "owner", "sessionSeconds", "strict", "extraActions");
    assertThat(d.parameters().get("region"))
        .isEqualTo(
            new ParameterDef(
                "string", false, "us-east-1", "[a-z]{2}-[a-z]+-[0-9]", "AWS region of the lab",
                null, null, null));
    assertThat(d.parameters().get("owner"))
        .isEqualTo(new ParameterDef("string", true, null, null, null, null, null, null));
    assertThat(d.parameters().get("sessionSeconds").defaultValue()).isEqualTo(3600);
    assertThat(d.parameters().get("strict").defaultValue()).isEqualTo(true);
    assertThat(d.parameters().get("extraActions").defaultValue()).isEqualTo(List.of());

    assertThat(d.variants().keySet()).containsExactly("read-only", "read-write");
    assertThat(d.variants().get("read-only"))
        .isEqualTo(Map.of("actions", List.of("s3:ListBucket", "s3:GetObject"), "canWrite", false));
    assertThat(d.defaultVariant()).isEqualTo("read-only");

    assertThat(d.defaults())
        .isEqualTo(
            new StepDefaults(
                new RetrySpec(
                    Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), 8, List.of("AccessDenied")),
                Duration.ofMinutes(2),
                Duration.ofMinutes(30),
                Duration.ofSeconds(30),
                OnFailure.PAUSE,
                Duration.ofHours(12)));
    assertThat(d.keepAlive()).isEqualTo(Duration.ofMinutes(90));

    assertThat(d.steps()).extracting(Step::id).containsExactly("stack", "iam", "attach", "verify");
    // Resolved by the loader: what the step does not say comes from the defaults.
    ActionStep stack = (ActionStep) d.steps().get(0);
    assertThat(stack)
        .isEqualTo(
            new ActionStep(
                "stack",
                "CreateStack",
                Map.of(
                    "labId", "${lab.labId}",
                    "stackName", "labflow-${lab.labId}",
                    "templateFile", "iam-lab.yaml",
                    "parameters", Map.of("Owner", "${params.owner}", "Region", "${params.region}")),
                new RetrySpec(
                    Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), 8, List.of("AccessDenied")),
                Duration.ofMinutes(20),
                Duration.ofMinutes(30),
                Duration.ofMinutes(1),
                new Compensation(
                    "DeleteStack",
                    Map.of("labId", "${lab.labId}", "stackName", "${steps.stack.stackId}"),
                    new RetrySpec(
                        Duration.ofSeconds(2), 2.0, Duration.ofMinutes(1), 0, List.of("AccessDenied")),
                    Duration.ofMinutes(30),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(30)),
                OnFailure.PAUSE,
                43));
    assertThat(d.steps().get(0)).isInstanceOf(ActionStep.class);
    assertThat(stack.with().keySet())
        .containsExactly("labId", "stackName", "templateFile", "parameters");

    assertThat(d.steps().get(1)).isInstanceOf(ParallelGroup.class);
    ParallelGroup group = (ParallelGroup) d.steps().get(1);
    assertThat(group.parallel()).extracting(Step::id).containsExactly("role", "policy");
    ActionStep policy = group.parallel().get(1);
    assertThat(policy.retry())
        .isEqualTo(
            new RetrySpec(
                Duration.ofMillis(500),
                1.5,
                Duration.ofSeconds(10),
                3,
                List.of("MalformedPolicyDocument")));
    assertThat(policy.onFailure()).isEqualTo(OnFailure.ROLLBACK);
    assertThat(policy.with().get("actions")).isEqualTo("${variant.actions}");
    assertThat(policy.with().get("resourceWildcard")).isEqualTo(false);

    ActionStep verify = (ActionStep) d.steps().get(3);
    assertThat(verify.with().get("deny")).isEqualTo(List.of("s3:DeleteObject"));
    assertThat(verify.with().get("budgetSeconds")).isEqualTo(1);
    assertThat(((ActionStep) d.steps().get(2)).scheduleToClose()).isEqualTo(Duration.ofMinutes(5));

    assertThat(d.onVariantChange())
        .extracting(Step::id)
        .containsExactly("new-policy", "reattach", "reverify");
  }

  @Test
  void minimalDefinitionGetsBuiltInDefaults() throws IOException {
    Definition d = loadValid("valid/minimal.yaml");

    assertThat(d.defaults()).isEqualTo(OptionsReader.BUILT_IN_DEFAULTS);
    assertThat(d.defaults().timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.defaults().retry())
        .isEqualTo(new RetrySpec(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 5, List.of()));
    assertThat(d.defaults().onFailure()).isEqualTo(OnFailure.ROLLBACK);
    assertThat(d.defaults().pauseTimeout()).isEqualTo(Duration.ofHours(24));
    assertThat(d.parameters()).isEmpty();
    assertThat(d.variants()).isEmpty();
    assertThat(d.defaultVariant()).isNull();
    assertThat(d.onVariantChange()).isEmpty();
    assertThat(d.keepAlive()).isNull();
    assertThat(d.steps())
        .containsExactly(
            new ActionStep(
                "role",
                "CreateRole",
                Map.of("labId", "${lab.labId}", "roleName", "fixed-name"),
                new RetrySpec(Duration.ofSeconds(1), 2.0, Duration.ofMinutes(1), 5, List.of()),
                Duration.ofMinutes(5),
                null,
                null,
                null,
                OnFailure.ROLLBACK,
                3));
  }

  @Test
  void usesYamlCoreSchemaSoYesAndDatesStayStrings() {
    LoadResult r =
        loader.load(
            "core.yaml",
            """
            name: core
            version: 1.10
            steps:
              - id: a
                action: CreateRole
                with:
                  labId: x
                  roleName: "yes"
                  description: 2024-01-01
            """);
    assertThat(r.errors()).isEmpty();
    assertThat(r.definitionOrNull().version()).isEqualTo("1.10");
    assertThat(((ActionStep) r.definitionOrNull().steps().get(0)).with().get("description"))
        .isEqualTo("2024-01-01");

    LoadResult yes =
        loader.load(
            "yes.yaml",
            "name: yes-lab\nsteps:\n  - id: a\n    action: CreatePolicy\n"
                + "    with: {labId: x, policyName: p, bucketName: b-1, actions: [], resourceWildcard: yes}\n");
    assertThat(yes.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "yes.yaml:5:85: steps[0].with.resourceWildcard: field 'resourceWildcard' of action"
                + " 'CreatePolicy' must be a boolean, got a string");
  }

  @Test
  void acceptsDollarEscapesAndByteOrderMark() {
    String text =
        "\uFEFFname: escapes\nsteps:\n  - id: a\n    action: CreateRole\n"
            + "    with: {labId: x, roleName: \"cost-$$5-${lab.labId}\"}\n";
    LoadResult r = loader.load("escapes.yaml", text);
    assertThat(r.errors()).isEmpty();
    assertThat(((ActionStep) r.definitionOrNull().steps().get(0)).with().get("roleName"))
        .isEqualTo("cost-$$5-${lab.labId}");
  }

  @Test
  void rejectsFilesOverOneMebibyte() {
    LoadResult text = loader.load("big.yaml", " ".repeat(DefinitionLoader.MAX_BYTES + 1));
    assertThat(text.errorText())
        .isEqualTo(
            "big.yaml:1:1: the file is 1048577 characters; step files may be at most 1048576"
                + " bytes (1 MiB)");
  }

  @Test
  void rejectsEmptyText() {
    assertThat(loader.load("empty.yaml", "").errorText())
        .isEqualTo(
            "empty.yaml:1:1: the file is empty; a definition needs at least 'name' and 'steps'");
    assertThat(loader.load("blank.yaml", "  \n\n").errorText())
        .isEqualTo(
            "blank.yaml:1:1: the file is empty; a definition needs at least 'name' and 'steps'");
  }

  @Test
  void refusesDeepNesting() {
    String deep = "[".repeat(200) + "]".repeat(200);
    LoadResult r = loader.load("deep.yaml", "name: deep\nsteps: " + deep + "\n");
    assertThat(r.ok()).isFalse();
    assertThat(r.errorText())
        .isEqualTo("deep.yaml:2:57: lists and mappings nest more than 50 levels deep");
  }

  @Test
  void reportsErrorsInFileOrderAcrossSections() {
    LoadResult r =
        loader.load(
            "many.yaml",
            """
            name: many
            keepAlive: forever
            parameters:
              p: {type: float}
            steps:
              - id: a
                action: CreateRoles
              - id: a
                action: CreateRole
                with: {labId: x, roleName: "${params.q}"}
            """);
    assertThat(r.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "many.yaml:2:12: keepAlive: invalid duration 'forever'; write a whole number followed"
                + " by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s",
            "many.yaml:4:13: parameters.p.type: unknown parameter type 'float'; expected one of:"
                + " string, integer, boolean, list",
            "many.yaml:7:13: steps[0].action: unknown action 'CreateRoles'; did you mean"
                + " 'CreateRole'?",
            "many.yaml:8:9: steps[1].id: duplicate step id 'a' (first defined at line 6)",
            "many.yaml:10:32: steps[1].with.roleName: '${params.q}': unknown parameter 'q'; did"
                + " you mean 'p'?");
  }

  @Test
  void diagnosticFormatsLeaveOutUnknownParts() {
    assertThat(new Diagnostic("lab.yaml", 12, 7, "steps[3].with.roleNam", "unknown field"))
        .hasToString("lab.yaml:12:7: steps[3].with.roleNam: unknown field");
    assertThat(new Diagnostic("lab.yaml", 1, 1, "", "the file is empty"))
        .hasToString("lab.yaml:1:1: the file is empty");
    assertThat(new Diagnostic("request", 0, 0, "variant", "unknown variant 'x'"))
        .hasToString("request: variant: unknown variant 'x'");
  }

  @Test
  void suggestionsFindLikelyTyposOnly() {
    assertThat(Suggestions.closest("CreateRol", List.of("CreateRole", "DeleteRole")))
        .contains("CreateRole");
    assertThat(Suggestions.closest("labid", List.of("labId", "runId"))).contains("labId");
    assertThat(Suggestions.closest("LaunchRocket", List.of("CreateRole", "DeleteRole"))).isEmpty();
    assertThat(Suggestions.hint("zz", List.of("a", "b"))).isEqualTo("; expected one of: a, b");
  }
}
