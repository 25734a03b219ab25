package io.labflow.workflows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.yaml.Diagnostic;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file under {@code definitions/broken/} with the exact diagnostics it must produce, all of
 * them, in order ({@code LINE:COLUMN: PATH: message} after the file name).
 */
@Tag("fast")
class BrokenDefinitionsTest {

  private final DefinitionLoader loader = new DefinitionLoader(StepLibraryCatalog.create());

  static Stream<Arguments> cases() {
    return Stream.of(
        expect(
            "misc-structure.yaml",
            "2:10: version: version must be a string, got a list",
            "4:3: parameters.1st: parameter name '1st' must start with a letter or '_' and hold only letters, digits, '_' and '-'",
            "5:33: parameters.big.default: integer 99999999999999999999 is out of range",
            "6:34: parameters.empty.default: default must not be null; leave it out instead",
            "7:11: variants: variants must declare at least one variant",
            "8:17: defaultVariant: defaultVariant 'blue' names a variant, but no variants are declared",
            "9:1: onVariantChange: onVariantChange is set, but no variants are declared to switch between",
            "21:9: steps[0].with: keys must be plain names, got a list",
            "23:33: steps[0].retry.backoffCoefficient: '.inf' is not a finite number"),
        expect(
            "bad-variants.yaml",
            "3:3: variants.Read_Only: variant name 'Read_Only' must be lowercase letters, digits and dashes, starting with a letter",
            "4:16: variants.read-write.bad key: variant key 'bad key' must start with a letter or '_' and hold only letters, digits, '_' and '-'",
            "5:10: variants.plain: expected a mapping, got a string"),
        expect(
            "alias-bomb.yaml",
            "5:8: too many aliases of lists or maps (the limit is 20); this looks like an alias expansion bomb"),
        expect(
            "bad-durations.yaml",
            "3:12: defaults.timeout: invalid duration '5 minutes'; write a whole number followed by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s",
            "4:17: defaults.pauseTimeout: pauseTimeout must be longer than zero",
            "5:12: keepAlive: invalid duration '1d'; write a whole number followed by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s",
            "10:14: steps[0].timeout: invalid duration '30'; write a whole number followed by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s",
            "11:16: steps[0].heartbeat: invalid duration '1.5s'; write a whole number followed by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s",
            "13:7: steps[0].retry: maximumInterval 2s is shorter than initialInterval 10s"),
        expect(
            "bad-ids.yaml",
            "1:7: name: name 'Bad_Name' must be lowercase letters, digits and dashes, starting with a letter",
            "3:9: steps[0].id: step id 'Create_Role' must be lowercase letters, digits and dashes, starting with a letter"),
        expect(
            "bad-onfailure.yaml",
            "3:14: defaults.onFailure: onFailure must be 'rollback' or 'pause', got 'abort'",
            "8:16: steps[0].onFailure: onFailure must be 'rollback' or 'pause', got a list"),
        expect(
            "bad-pattern.yaml",
            "5:14: parameters.region.pattern: invalid pattern '[a-z': Unclosed character class near index 3",
            "9:14: parameters.zone.default: default 'EU-1' does not match pattern '[a-z]+-[0-9]'",
            "12:14: parameters.count.default: default must be an integer, got a string 'many'",
            "14:11: parameters.flags.type: unknown parameter type 'map'; expected one of: string, integer, boolean, list"),
        expect(
            "bad-retry-values.yaml",
            "4:5: defaults.retry: maximumInterval 1m is shorter than initialInterval 2m",
            "4:25: defaults.retry.backoffCoefficient: backoffCoefficient must be at least 1.0, got 0.5",
            "5:22: defaults.retry.maximumAttempts: maximumAttempts must be 0 (unlimited) or more, got -1",
            "12:36: steps[0].retry.nonRetryable[1]: expected a string, got an integer"),
        expect(
            "compensate-references.yaml",
            "7:15: steps[0].compensate.action: unknown action 'DeleteRol'; did you mean 'DeleteRole'?",
            "15:20: steps[1].compensate.with.policyArn: '${steps.policy.arn}': step 'policy' (action 'CreatePolicy') has no output 'arn'; expected one of: policyArn, policyName, document, defaultVersionId, adopted",
            "16:9: steps[1].compensate.with.extra: unknown field 'extra' of action 'DeletePolicy'; expected one of: labId, policyArn, policyName",
            "16:16: steps[1].compensate.with.extra: '${steps.later.x}': step 'later' is defined later; a step can only reference earlier steps"),
        expect(
            "default-variant.yaml",
            "4:17: defaultVariant: defaultVariant 'read-onyl' is not a declared variant; did you mean 'read-only'?"),
        expect(
            "duplicate-key.yaml",
            "5:5: steps[0].action: duplicate key 'action' (first defined at line 4)"),
        expect(
            "duplicate-step-id.yaml",
            "8:13: steps[1].parallel[0].id: duplicate step id 'a' (first defined at line 3)",
            "12:9: onVariantChange[0].id: duplicate step id 'g' (first defined at line 6)"),
        expect(
            "empty.yaml",
            "1:1: the file is empty; a definition needs at least 'name' and 'steps'"),
        expect(
            "lab-and-variant-refs.yaml",
            "6:14: steps[0].with.labId: '${lab.labid}': unknown lab field 'labid'; did you mean 'labId'?",
            "7:17: steps[0].with.roleName: '${variant.name}': variant key 'name' is used, but no variants are declared",
            "7:17: steps[0].with.roleName: '${params.x}': unknown parameter 'x'; the definition declares no parameters",
            "7:17: steps[0].with.roleName: '${steps.a}': write '${steps.ID.FIELD}'",
            "8:20: steps[0].with.description: '${labs.labId}': unknown root 'labs'; did you mean 'lab'?"),
        expect(
            "malformed-expression.yaml",
            "6:14: steps[0].with.labId: unclosed '${' at offset 0; write '${root.name}', or '$$' for a literal '$'",
            "7:17: steps[0].with.roleName: empty expression '${}'; write '${root.name}', or '$$' for a literal '$'"),
        expect(
            "missing-name-and-steps.yaml",
            "1:1: missing required key 'name'",
            "1:1: missing required key 'steps'"),
        expect(
            "missing-with-field.yaml",
            "6:7: steps[0].with: missing required field 'roleName' of action 'CreateRole'",
            "7:5: steps[1].with: missing required field 'labId' of action 'DeleteRole'",
            "7:5: steps[1].with: missing required field 'roleName' of action 'DeleteRole'"),
        expect(
            "mixed-template-type.yaml",
            "12:25: steps[0].with.resourceWildcard: field 'resourceWildcard' of action 'CreatePolicy' must be a boolean, got a string",
            "17:17: steps[1].with.roleName: field 'roleName' of action 'VerifyAccess' must be a string, got an integer; quote it",
            "18:19: steps[1].with.bucketName: field 'bucketName' of action 'VerifyAccess' must not be null",
            "19:14: steps[1].with.allow: field 'allow' of action 'VerifyAccess' must be a list, got a mapping",
            "21:22: steps[1].with.budgetSeconds: field 'budgetSeconds' of action 'VerifyAccess' must be an integer, but text around '${...}' always makes a string"),
        expect(
            "multiple-documents.yaml",
            "3:1: invalid YAML: expected a single document in the stream: but found another document (the construct began at line 1, column 1)"),
        expect(
            "nested-parallel.yaml",
            "4:5: steps[0].timeout: a parallel group takes only 'id' and 'parallel'; put 'timeout' on its branches",
            "7:9: steps[0].parallel[0].parallel: parallel groups cannot be nested: branch 'inner' of group 'outer' has 'parallel'"),
        expect(
            "not-a-mapping.yaml",
            "1:1: a definition must be a mapping of keys such as name and steps, got a list"),
        expect(
            "on-variant-change.yaml",
            "10:17: steps[0].with.roleName: '${steps.switch-b.roleName}': step 'switch-b' is defined later; a step can only reference earlier steps",
            "16:17: onVariantChange[0].with.roleName: '${steps.switch-b.roleName}': step 'switch-b' is defined later; a step can only reference earlier steps"),
        // A parameter's list is known only when a run binds it: the start of the run checks it.
        expect(
            "opposite-lists.yaml",
            "24:13: steps[0].with.deny: variant 'read-only': field 'deny': 's3:GetObject' is in both 'allow' and 'deny' (action 'VerifyAccess')",
            "24:13: steps[0].with.deny: variant 'none': field 'deny': 'allow' and 'deny' are both empty: nothing to check (action 'VerifyAccess')",
            "33:9: steps[1].with.deny: field 'deny': 's3:PutObject' is in both 'allow' and 'deny' (action 'VerifyAccess')"),
        expect(
            "parallel-with-action.yaml",
            "4:5: steps[0].action: a parallel group takes only 'id' and 'parallel'; put 'action' on its branches",
            "5:15: steps[0].parallel: a parallel group needs at least one branch",
            "6:5: steps[1]: step 'lone' needs 'action' (or 'parallel' for a parallel group)"),
        expect(
            "recursive-alias.yaml",
            "8:16: steps[0].with.actions[0].actions: an alias may not refer to a list or mapping that contains it"),
        expect(
            "reference-types.yaml",
            "15:16: steps[0].with.actions: '${params.actions}': parameter 'actions' is a string, but field 'actions' of action 'CreatePolicy' must be a list",
            "22:16: steps[1].with.actions: '${variant.actions}': variant 'read-write' gives a string, but field 'actions' of action 'CreatePolicy' must be a list",
            "25:49: steps[1].compensate.with.policyName: '${params.names}': parameter 'names' is a list, but field 'policyName' of action 'DeletePolicy' must be a string",
            "32:16: steps[2].with.actions: '${steps.a.policyArn}': output 'policyArn' of step 'a' (action 'CreatePolicy') is a string, but field 'actions' of action 'CreatePolicy' must be a list"),
        expect(
            "reference-later-step.yaml",
            "7:17: steps[0].with.roleName: '${steps.b.roleName}': step 'b' is defined later; a step can only reference earlier steps",
            "8:18: steps[0].with.policyArn: '${steps.a.policyArn}': step 'a' cannot reference its own outputs (only its compensate can)"),
        expect(
            "reference-unknown-step.yaml",
            "10:17: steps[1].with.roleName: '${steps.crate-role.roleName}': unknown step 'crate-role'; did you mean 'create-role'?"),
        expect(
            "self-reference.yaml",
            "7:17: steps[0].with.roleName: '${steps.role.roleName}': step 'role' cannot reference its own outputs (only its compensate can)"),
        expect(
            "sibling-reference.yaml",
            "12:23: steps[0].parallel[1].with.policyName: '${steps.role.roleName}': step 'role' runs in parallel with this step in group 'both', so its outputs are not available",
            "19:17: steps[1].with.roleName: '${steps.both.roleName}': step 'both' is a parallel group and has no outputs; reference one of its branches"),
        expect(
            "step-missing-id-and-action.yaml",
            "3:5: steps[0]: missing required key 'id'",
            "3:5: steps[0]: the step needs 'action' (or 'parallel' for a parallel group)"),
        expect(
            "steps-empty.yaml",
            "2:8: steps: steps must hold at least one step"),
        expect(
            "steps-not-list.yaml",
            "3:3: steps: steps must be a list of steps, got a mapping"),
        expect(
            "unknown-action.yaml",
            "4:13: steps[0].action: unknown action 'CreateRol'; did you mean 'CreateRole'?",
            "7:13: steps[1].action: unknown action 'LaunchRocket'"),
        expect(
            "unknown-compensate-key.yaml",
            "7:7: steps[0].compensate.with: missing required field 'labId' of action 'DeleteRole'",
            "7:7: steps[0].compensate.with: missing required field 'roleName' of action 'DeleteRole'",
            "8:7: steps[0].compensate.width: unknown key 'width'; did you mean 'with'?"),
        expect(
            "unknown-defaults-key.yaml",
            "3:3: defaults.timeouts: unknown key 'timeouts'; did you mean 'timeout'?",
            "5:5: defaults.retry.backoff: unknown key 'backoff'; expected one of: initialInterval, backoffCoefficient, maximumInterval, maximumAttempts, nonRetryable"),
        expect(
            "unknown-output.yaml",
            "10:17: steps[1].with.roleName: '${steps.role.roleArm}': step 'role' (action 'CreateRole') has no output 'roleArm'; did you mean 'roleArn'?"),
        expect(
            "unknown-parameter-key.yaml",
            "5:5: parameters.region.defualt: unknown key 'defualt'; did you mean 'default'?"),
        expect(
            "unknown-parameter.yaml",
            "9:17: steps[0].with.roleName: '${params.regin}': unknown parameter 'regin'; did you mean 'region'?"),
        expect(
            "unknown-retry-key.yaml",
            "7:7: steps[0].retry.maxAttempts: unknown key 'maxAttempts'; did you mean 'maximumAttempts'?"),
        expect(
            "unknown-step-key.yaml",
            "6:5: steps[0].timout: unknown key 'timout'; did you mean 'timeout'?"),
        expect(
            "unknown-top-key.yaml",
            "1:1: missing required key 'steps'",
            "2:1: stpes: unknown key 'stpes'; did you mean 'steps'?"),
        expect(
            "unknown-with-field.yaml",
            "6:7: steps[0].with: missing required field 'roleName' of action 'CreateRole'",
            "7:7: steps[0].with.roleNam: unknown field 'roleNam' of action 'CreateRole'; did you mean 'roleName'?"),
        expect(
            "unsupported-tags.yaml",
            "6:14: steps[0].with.labId: unsupported YAML tag '!Ref'",
            "8:7: steps[0].with.<<: merge keys ('<<') are not supported; write the keys out"),
        expect(
            "lifetime.yaml",
            "2:1: maxLifetime: maxLifetime needs keepAlive: only a live lab expires",
            "3:1: expiryWarning: expiryWarning needs keepAlive: only a live lab expires",
            "8:1: tasks: tasks need keepAlive: the lab stays live while its learner works, then tears down",
            "10:12: tasks[0].title: '${lab.nothing}': unknown lab field 'nothing'; expected one of: labId, runId, definition, variant, startedAt",
            "17:15: tasks[0].checks[0].hint: '${steps.stack.missing}': step 'stack' (action 'DeleteLabResources') has no output 'missing'; expected one of: deleted, remaining, blocked"),
        expect(
            "task-switch-reference.yaml",
            "21:49: tasks[0].checks[0].with.roleName: '${steps.switched-role.roleName}': step 'switched-role' runs only when the variant is switched (onVariantChange), which may never happen, so a task cannot use its outputs",
            "26:49: tasks[0].adopt[0].with.roleName: '${steps.switched-role.roleName}': step 'switched-role' runs only when the variant is switched (onVariantChange), which may never happen, so a task cannot use its outputs"),
        expect(
            "tasks.yaml",
            "8:5: tasks[0]: missing required key 'title'",
            "9:13: tasks[0].points: points must be a positive whole number (at most 1000000), got '0'",
            "11:9: tasks[0].checks[0]: missing required key 'message'",
            "13:72: tasks[0].checks[0].with.servicePrincipal: '${lab.started}': unknown lab field 'started'; did you mean 'startedAt'?",
            "14:13: tasks[0].checks[1].id: duplicate id 'stack' (first defined at line 4)",
            "15:17: tasks[0].checks[1].action: action 'CreateRole' is not a check: its output must have 'passed' and 'detail'",
            "19:17: tasks[0].checks[2].action: unknown action 'CheckRoleTrusts'; did you mean 'CheckRoleTrust'?",
            "25:82: tasks[0].adopt[0].compensate.with.roleName: '${steps.nope.roleName}': unknown step 'nope'; expected one of: stack",
            "26:9: tasks[1].id: duplicate id 'create-role' (first defined at line 8)",
            "28:13: tasks[1].points: points must be a positive whole number (at most 1000000), got 'many'",
            "29:13: tasks[1].checks: checks must hold at least one check"),
        expect(
            "variant-key.yaml",
            "13:16: steps[0].with.actions: '${variant.actions}': variant key 'actions' is missing from variant 'read-write'; every variant must define it",
            "14:19: steps[0].with.bucketName: '${variant.bucket}': unknown variant key 'bucket'; expected one of: actions, acts"),
        expect(
            "wrong-types.yaml",
            "1:7: name: expected a string, got an integer",
            "2:14: description: expected a string, got a list",
            "8:18: steps[0].with.stackName: field 'stackName' of action 'CreateStack' must be a string, got an integer; quote it",
            "10:23: steps[0].with.timeoutMinutes: field 'timeoutMinutes' of action 'CreateStack' must be an integer, got a string",
            "12:24: steps[0].retry.maximumAttempts: maximumAttempts must be an integer, got a string",
            "13:27: steps[0].retry.backoffCoefficient: backoffCoefficient must be a number, got a string",
            "14:21: steps[0].retry.nonRetryable: expected a list of strings, got a string"),
        expect(
            "yaml-syntax.yaml",
            "6:1: invalid YAML: while parsing a flow mapping: expected ',' or '}', but got <stream end> (the construct began at line 5, column 11)"));
  }

  private static Arguments expect(String file, String... expected) {
    return Arguments.of(file, List.of(expected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void reportsExactlyTheseErrors(String file, List<String> expected) throws IOException {
    String text;
    try (InputStream in = getClass().getResourceAsStream("/definitions/broken/" + file)) {
      assertThat(in).as("test file %s", file).isNotNull();
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    LoadResult result = loader.load(file, text);

    assertThat(result.definitionOrNull()).isNull();
    assertThat(result.ok()).isFalse();
    assertThat(result.errors())
        .extracting(Diagnostic::toString)
        .containsExactlyElementsOf(expected.stream().map(e -> file + ":" + e).toList());
  }

  @Test
  void everyBrokenFileHasExpectations() throws IOException {
    List<String> listed = cases().map(a -> (String) a.get()[0]).sorted().toList();
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/definitions/broken"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactlyElementsOf(listed);
    }
  }
}
