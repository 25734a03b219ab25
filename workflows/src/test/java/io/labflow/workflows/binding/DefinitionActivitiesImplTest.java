package io.labflow.workflows.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.DefinitionLoaderTest;
import io.labflow.workflows.definition.DefinitionSource;
import io.labflow.workflows.definition.StepLibraryCatalog;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.Preflight;
import io.labflow.workflows.lab.ResolvedLab;
import io.temporal.api.common.v1.Payloads;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class DefinitionActivitiesImplTest {

  private DefinitionActivitiesImpl activities;
  private String fullText;

  @BeforeEach
  void setUp() throws IOException {
    fullText = DefinitionLoaderTest.resource("valid/full-lab.yaml");
    Map<String, DefinitionSource.SourceFile> files =
        Map.of(
            "iam-service-role-lab",
            new DefinitionSource.SourceFile("definitions/iam-service-role-lab.yaml", fullText),
            "renamed",
            new DefinitionSource.SourceFile("definitions/renamed.yaml", fullText),
            "broken",
            new DefinitionSource.SourceFile(
                "definitions/broken.yaml",
                "name: broken\nsteps:\n  - id: a\n    action: Nope\n    timeout: soon\n"));
    activities =
        new DefinitionActivitiesImpl(
            name -> Optional.ofNullable(files.get(name)),
            new DefinitionLoader(StepLibraryCatalog.create()),
            Preflight.NONE,
            SiteParameters.NONE);
  }

  @Test
  void resolvesADefinitionByName() {
    ResolvedLab lab =
        activities.resolve(
            new LabRequest(
                "iam-service-role-lab", "read-write", "lab-042", Map.of("owner", "ada"), null));

    assertThat(lab.source()).isEqualTo("definitions/iam-service-role-lab.yaml");
    assertThat(lab.variant()).isEqualTo("read-write");
    assertThat(lab.definition().name()).isEqualTo("iam-service-role-lab");
    assertThat(lab.parameters())
        .containsEntry("owner", "ada")
        .containsEntry("region", "us-east-1")
        .containsEntry("sessionSeconds", 3600);
  }

  @Test
  void resolvesInlineYamlUnderAnInlineName() {
    ResolvedLab lab =
        activities.resolve(
            new LabRequest("my-lab", null, "lab-1", Map.of("owner", "bob"), fullText));
    assertThat(lab.source()).isEqualTo("inline:my-lab");
    assertThat(lab.variant()).isEqualTo("read-only");
  }

  /**
   * The resolved lab travels through workflow history; this test's mapper also turns is-getters
   * off, so no derived accessor can hide a field in the payload.
   */
  @Test
  void resolvedLabSurvivesTheDataConverter() {
    ResolvedLab lab =
        activities.resolve(
            new LabRequest("iam-service-role-lab", null, "lab-042", Map.of("owner", "ada"), null));
    ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper();
    mapper.setVisibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE);
    DataConverter converter =
        DefaultDataConverter.newDefaultInstance()
            .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(mapper));
    Optional<Payloads> payloads = converter.toPayloads(lab);
    ResolvedLab back = converter.fromPayloads(0, payloads, ResolvedLab.class, ResolvedLab.class);
    assertThat(back).isEqualTo(lab);
  }

  @Test
  void rejectsBadLabIds() {
    // reset-lab-1 has a lab id's shape, which the run's workflow code checks, but is the workflow
    // id of lab-1's reset: refused here, the run's first activity, before anything is created.
    for (String bad : new String[] {"Lab-1", "1lab", "lab_1", "lab-" + "x".repeat(40), "reset-lab-1"}) {
      ApplicationFailure f = fail(new LabRequest("iam-service-role-lab", null, bad, null, null));
      assertThat(f.getType()).isEqualTo("InvalidRequest");
      assertThat(f.isNonRetryable()).isTrue();
      assertThat(f.getOriginalMessage())
          .isEqualTo(
              "request: labId: labId '"
                  + bad
                  + "' must be lowercase letters, digits and dashes, starting with a letter, at"
                  + " most 41 characters, not beginning with reset- (a lab's reset's workflow id;"
                  + " e.g. lab-042)");
    }
    ApplicationFailure missing = fail(new LabRequest("iam-service-role-lab", null, null, null, null));
    assertThat(missing.getOriginalMessage())
        .isEqualTo(
            "request: labId: labId is required: lowercase letters, digits and dashes, starting"
                + " with a letter, at most 41 characters, not beginning with reset- (a lab's reset's workflow id; e.g. lab-042)");
  }

  @Test
  void rejectsUnknownOrUnsafeDefinitionNames() {
    ApplicationFailure unknown = fail(new LabRequest("no-such-lab", null, "lab-1", null, null));
    assertThat(unknown.getType()).isEqualTo("InvalidRequest");
    assertThat(unknown.getOriginalMessage())
        .isEqualTo("request: definition: no definition named 'no-such-lab' was found");

    ApplicationFailure unsafe = fail(new LabRequest("../etc/passwd", null, "lab-1", null, null));
    assertThat(unsafe.getOriginalMessage())
        .isEqualTo(
            "request: definition: definition name '../etc/passwd' must be lowercase letters,"
                + " digits and dashes, starting with a letter");

    ApplicationFailure none = fail(new LabRequest(null, null, "lab-1", null, null));
    assertThat(none.getOriginalMessage())
        .isEqualTo("request: definition: name a definition, or send its YAML as definitionYaml");
  }

  @Test
  void invalidDefinitionsListEveryProblem() {
    ApplicationFailure f = fail(new LabRequest("broken", null, "lab-1", null, null));
    assertThat(f.getType()).isEqualTo("InvalidDefinition");
    assertThat(f.isNonRetryable()).isTrue();
    assertThat(f.getOriginalMessage())
        .isEqualTo(
            "definitions/broken.yaml:4:13: steps[0].action: unknown action 'Nope'\n"
                + "definitions/broken.yaml:5:14: steps[0].timeout: invalid duration 'soon'; write a"
                + " whole number followed by ms, s, m or h, such as 500ms, 30s, 5m, 2h or 1m30s");
  }

  @Test
  void fileMustDeclareTheRequestedName() {
    ApplicationFailure f = fail(new LabRequest("renamed", null, "lab-1", Map.of("owner", "a"), null));
    assertThat(f.getType()).isEqualTo("InvalidDefinition");
    assertThat(f.getOriginalMessage())
        .isEqualTo(
            "definitions/renamed.yaml: name: the file declares name 'iam-service-role-lab', but"
                + " definition 'renamed' was requested");
  }

  @Test
  void badParametersAreInvalidRequestsNamingEachParameter() {
    ApplicationFailure f =
        fail(
            new LabRequest(
                "iam-service-role-lab",
                "admin",
                "lab-1",
                Map.of("sessionSeconds", "soon"),
                null));
    assertThat(f.getType()).isEqualTo("InvalidRequest");
    assertThat(f.getOriginalMessage())
        .isEqualTo(
            "request: variant: unknown variant 'admin' (allowed: read-only, read-write)\n"
                + "request: parameters.owner: missing required parameter 'owner' (string)\n"
                + "request: parameters.sessionSeconds: parameter 'sessionSeconds' must be an"
                + " integer, got a string 'soon'");
  }

  @Test
  void inlineYamlErrorsNameTheInlineFile() {
    ApplicationFailure f =
        fail(new LabRequest(null, null, "lab-1", null, "name: x\nsteps: [\n"));
    assertThat(f.getType()).isEqualTo("InvalidDefinition");
    assertThat(f.getOriginalMessage()).startsWith("inline:definition:3:1: invalid YAML: ");
  }

  private ApplicationFailure fail(LabRequest request) {
    ApplicationFailure f =
        catchThrowableOfType(ApplicationFailure.class, () -> activities.resolve(request));
    assertThat(f).as("resolve(%s) must fail", request).isNotNull();
    return f;
  }

  @Test
  void aRequiredInputFedByAnUnsetParameterIsRefusedBeforeAnythingRuns() throws IOException {
    String challenge =
        java.nio.file.Files.readString(
            java.nio.file.Path.of("..", "definitions", "iam-service-role-challenge.yaml"));
    DefinitionActivitiesImpl resolver =
        new DefinitionActivitiesImpl(
            name -> Optional.of(new DefinitionSource.SourceFile("c.yaml", challenge)),
            new DefinitionLoader(StepLibraryCatalog.create()),
            Preflight.NONE,
            SiteParameters.NONE);

    ApplicationFailure f =
        catchThrowableOfType(
            ApplicationFailure.class,
            () ->
                resolver.resolve(
                    new LabRequest("iam-service-role-challenge", null, "lab-1", Map.of(), null)));

    assertThat(f).isNotNull();
    assertThat(f.getType()).isEqualTo("InvalidRequest");
    assertThat(f.getOriginalMessage())
        .isEqualTo(
            "request: parameters.trustedPrincipalArn: missing required parameter"
                + " 'trustedPrincipalArn': step 'learner-access' (CreateLearnerAccess) needs it for"
                + " its trustedPrincipalArn");
    assertThat(f.getDetails().getSize()).isEqualTo(1);
    assertThat(f.getDetails().get(0, String.class)).isEqualTo("trustedPrincipalArn");
    ResolvedLab given =
        resolver.resolve(
            new LabRequest(
                "iam-service-role-challenge",
                null,
                "lab-1",
                Map.of("trustedPrincipalArn", "arn:aws:iam::123456789012:user/ada"),
                null));
    assertThat(given.parameters()).containsEntry(
        "trustedPrincipalArn", "arn:aws:iam::123456789012:user/ada");
  }

  /** An undo's required input from an optional parameter the run leaves out: refused up front. */
  @Test
  void anUndoNeedingAParameterTheRunLeavesOutIsRefusedBeforeAnythingIsCreated() {
    String yaml = "name: undo-param\nparameters:\n  roleName: {type: string}\nsteps:\n"
        + "  - id: role\n    action: CreateRole\n"
        + "    with: {labId: \"${lab.labId}\", roleName: \"r-${lab.labId}\"}\n"
        + "    compensate:\n      action: DeleteRole\n"
        + "      with: {labId: \"${lab.labId}\", roleName: \"${params.roleName}\"}\n";

    ApplicationFailure f = catchThrowableOfType(ApplicationFailure.class,
        () -> activities.resolve(new LabRequest("undo-param", null, "lab-1", Map.of(), yaml)));

    assertThat(f).isNotNull();
    assertThat(f.getOriginalMessage()).isEqualTo("request: parameters.roleName: missing required"
        + " parameter 'roleName': the undo of step 'role' (DeleteRole) needs it for its roleName");
  }
}
