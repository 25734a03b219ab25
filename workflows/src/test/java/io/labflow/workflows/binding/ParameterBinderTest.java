package io.labflow.workflows.binding;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.DefinitionLoaderTest;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.definition.StepLibraryCatalog;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ParameterBinderTest {

  private Definition full;

  @BeforeEach
  void load() throws IOException {
    LoadResult r =
        new DefinitionLoader(StepLibraryCatalog.create())
            .load("full-lab.yaml", DefinitionLoaderTest.resource("valid/full-lab.yaml"));
    assertThat(r.errors()).isEmpty();
    full = r.definitionOrNull();
  }

  @Test
  void fillsDefaultsAndTheDefaultVariant() {
    ParameterBinder.BindResult r =
        ParameterBinder.bind(full, null, null, Map.of("owner", "ada"), "request");

    assertThat(r.errors()).isEmpty();
    assertThat(r.ok()).isTrue();
    assertThat(r.variant()).isEqualTo("read-only");
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("region", "us-east-1");
    expected.put("owner", "ada");
    expected.put("sessionSeconds", 3600);
    expected.put("strict", true);
    expected.put("extraActions", List.of());
    assertThat(r.parameters()).containsExactlyEntriesOf(expected);
  }

  @Test
  void coercesUnambiguousStringsFromTheCommandLine() {
    ParameterBinder.BindResult r =
        ParameterBinder.bind(
            full,
            null, "read-write",
            Map.of("owner", "ada", "sessionSeconds", "900", "strict", "false", "region", "eu-west-1"),
            "request");

    assertThat(r.errors()).isEmpty();
    assertThat(r.variant()).isEqualTo("read-write");
    assertThat(r.parameters().get("sessionSeconds")).isEqualTo(900);
    assertThat(r.parameters().get("strict")).isEqualTo(false);
    assertThat(r.parameters().get("region")).isEqualTo("eu-west-1");
  }

  @Test
  void readsBooleanWordsCommaListsAndIntegersAsAPersonTypesThem() {
    assertThat(bound(" +900 ", "No", "s3:PutObject, s3:DeleteObject"))
        .isEqualTo(List.of(900, false, List.of("s3:PutObject", "s3:DeleteObject")));
    assertThat(bound(900L, "YES", "")).isEqualTo(List.of(900, true, List.of()));
    assertThat(bound(900L, "YES", "").get(0)).isInstanceOf(Integer.class);
    assertThat(bound(5.0, true, List.of("s3:GetObject")))
        .isEqualTo(List.of(5, true, List.of("s3:GetObject")));

    Map<String, Object> bad = new LinkedHashMap<>();
    bad.put("owner", "ada");
    bad.put("sessionSeconds", 900.5);
    bad.put("strict", "1");
    bad.put("extraActions", "s3:PutObject,,s3:GetObject");
    assertThat(ParameterBinder.bind(full, null, null, bad, "request").errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "request: parameters.sessionSeconds: parameter 'sessionSeconds' must be an integer,"
                + " got a number",
            "request: parameters.strict: parameter 'strict' must be a boolean, got a string '1'"
                + " (true, false, yes or no)",
            "request: parameters.extraActions: parameter 'extraActions' must be a list of"
                + " comma-separated items, got 's3:PutObject,,s3:GetObject' with an empty item 2");
  }

  /** sessionSeconds, strict and extraActions as bound from these values. */
  private List<Object> bound(Object sessionSeconds, Object strict, Object extraActions) {
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("owner", "ada");
    given.put("sessionSeconds", sessionSeconds);
    given.put("strict", strict);
    given.put("extraActions", extraActions);
    ParameterBinder.BindResult r = ParameterBinder.bind(full, null, null, given, "request");
    assertThat(r.errors()).isEmpty();
    return java.util.Arrays.asList(
        r.parameters().get("sessionSeconds"), r.parameters().get("strict"),
        r.parameters().get("extraActions"));
  }

  @Test
  void checksTheLabIdWithTheOneRule() {
    ParameterBinder.BindResult r =
        ParameterBinder.bind(full, "9lab", null, Map.of("owner", "ada"), "request");
    assertThat(r.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "request: labId: labId '9lab' must be lowercase letters, digits and dashes, starting"
                + " with a letter, at most 41 characters, not beginning with reset- (a lab's reset's workflow id; e.g. lab-042)");
    assertThat(ParameterBinder.bind(full, "lab-9", null, Map.of("owner", "ada"), "request").ok())
        .isTrue();
  }

  @Test
  void anIntegerPatternRefusesNegativeAndZeroValuesWhereTheyMeanNothing() {
    LoadResult loaded =
        new DefinitionLoader(StepLibraryCatalog.create())
            .load(
                "budget.yaml",
                "name: budget\nparameters:\n  seconds: {type: integer, default: 120, pattern: \"[1-9][0-9]*\"}\n"
                    + "steps:\n  - id: a\n    action: CreateRole\n"
                    + "    with: {labId: x, roleName: y}\n");
    assertThat(loaded.errors()).isEmpty();
    for (Object bad : java.util.List.<Object>of(-5, 0, "-5")) {
      assertThat(ParameterBinder.bind(loaded.definitionOrNull(), null, null, Map.of("seconds", bad), "request").errors())
          .extracting(Diagnostic::toString)
          .containsExactly("request: parameters.seconds: parameter 'seconds' value '" + bad + "' does not match pattern '[1-9][0-9]*'");
    }
    assertThat(ParameterBinder.bind(loaded.definitionOrNull(), null, null, Map.of("seconds", "20"), "request").parameters())
        .containsEntry("seconds", 20);
  }

  @Test
  void keepsTypedValuesAndLeavesOptionalOnesWithoutDefaultNull() {
    LoadResult loaded =
        new DefinitionLoader(StepLibraryCatalog.create())
            .load(
                "opt.yaml",
                "name: opt\nparameters:\n  note: {type: string}\n  big: {type: integer}\n"
                    + "steps:\n  - id: a\n    action: CreateRole\n"
                    + "    with: {labId: x, roleName: y}\n");
    assertThat(loaded.errors()).isEmpty();
    ParameterBinder.BindResult r =
        ParameterBinder.bind(loaded.definitionOrNull(), null, null, Map.of("big", 5_000_000_000L), "request");
    assertThat(r.errors()).isEmpty();
    assertThat(r.variant()).isNull();
    assertThat(r.parameters()).containsKey("note");
    assertThat(r.parameters().get("note")).isNull();
    assertThat(r.parameters().get("big")).isEqualTo(5_000_000_000L);
  }

  @Test
  void reportsEveryParameterProblemByName() {
    Map<String, Object> given = new LinkedHashMap<>();
    given.put("regin", "eu-west-1");
    given.put("region", "EU");
    given.put("sessionSeconds", "an hour");
    given.put("strict", "maybe");
    given.put("extraActions", 5);
    ParameterBinder.BindResult r = ParameterBinder.bind(full, null, "read-only", given, "request");

    assertThat(r.ok()).isFalse();
    assertThat(r.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "request: parameters.regin: unknown parameter 'regin'; did you mean 'region'?",
            "request: parameters.region: parameter 'region' value 'EU' does not match pattern"
                + " '[a-z]{2}-[a-z]+-[0-9]'",
            "request: parameters.owner: missing required parameter 'owner' (string)",
            "request: parameters.sessionSeconds: parameter 'sessionSeconds' must be an integer,"
                + " got a string 'an hour'",
            "request: parameters.strict: parameter 'strict' must be a boolean, got a string 'maybe'"
                + " (true, false, yes or no)",
            "request: parameters.extraActions: parameter 'extraActions' must be a list, got an"
                + " integer");
  }

  @Test
  void rejectsUnknownVariantListingTheAllowedOnes() {
    ParameterBinder.BindResult r =
        ParameterBinder.bind(full, null, "read-onyl", Map.of("owner", "ada"), "request");
    assertThat(r.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "request: variant: unknown variant 'read-onyl'; did you mean 'read-only'? (allowed:"
                + " read-only, read-write)");

    ParameterBinder.BindResult far = ParameterBinder.bind(full, null, "admin", Map.of("owner", "ada"), "request");
    assertThat(far.errors())
        .extracting(Diagnostic::toString)
        .containsExactly("request: variant: unknown variant 'admin' (allowed: read-only, read-write)");
  }

  @Test
  void requiresAVariantWhenThereIsNoDefault() {
    Definition noDefault =
        new Definition(
            full.name(),
            full.description(),
            full.version(),
            full.parameters(),
            full.variants(),
            null,
            full.defaults(),
            full.steps(),
            full.onVariantChange(),
            full.keepAlive(),
            List.of(),
            null,
            null);
    ParameterBinder.BindResult r = ParameterBinder.bind(noDefault, null, null, Map.of("owner", "a"), "request");
    assertThat(r.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "request: variant: definition 'iam-service-role-lab' has no default variant; choose"
                + " one of: read-only, read-write");
  }

  @Test
  void rejectsVariantsAndParametersForADefinitionWithoutThem() throws IOException {
    Definition minimal =
        new DefinitionLoader(StepLibraryCatalog.create())
            .load("minimal.yaml", DefinitionLoaderTest.resource("valid/minimal.yaml"))
            .definitionOrNull();
    Map<String, Object> given = new HashMap<>();
    given.put("x", 1);
    ParameterBinder.BindResult r = ParameterBinder.bind(minimal, null, "blue", given, "request");
    assertThat(r.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "request: variant: unknown variant 'blue'; definition 'minimal' declares no variants",
            "request: parameters.x: unknown parameter 'x'; definition 'minimal' declares no"
                + " parameters");
    assertThat(ParameterBinder.bind(minimal, null, null, null, "request").ok()).isTrue();
  }
}
