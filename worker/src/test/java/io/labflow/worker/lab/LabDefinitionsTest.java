package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The step files and the documented example validate against the REAL step library's catalog, and
 * the generated copy of that catalog the workflows module's tests read ({@code
 * workflows/src/test/resources/catalog/step-library.json}) is up to date.
 */
@Tag("fast")
class LabDefinitionsTest {

  static final ActionCatalog REAL = Composition.CATALOG;

  /** The real catalog, generated for the workflows module's tests (which cannot see it). */
  static final String CATALOG_FILE = "workflows/src/test/resources/catalog/step-library.json";

  static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  static Path root() {
    Path root = Tools.repoRoot();
    assertThat(root).as("repository root (a parent with definitions/ and pom.xml)").isNotNull();
    return root;
  }

  /**
   * Every step file: the YAML files directly in definitions/ (templates/ holds CloudFormation
   * templates and schema/ the JSON Schema, which are not step files).
   */
  static Stream<Path> stepFiles() throws IOException {
    try (Stream<Path> files = Files.list(root().resolve("definitions"))) {
      List<Path> yaml =
          files
              .filter(Files::isRegularFile)
              .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
              .sorted()
              .toList();
      assertThat(yaml).extracting(p -> p.getFileName().toString()).contains("iam-service-role-lab.yaml");
      return yaml.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stepFiles")
  void stepFileHasNoDiagnosticsAgainstTheRealCatalog(Path file) throws IOException {
    LoadResult r = new DefinitionLoader(REAL).load("definitions/" + file.getFileName(), Files.readString(file));

    assertThat(r.errors()).as(r.errorText()).isEmpty();
    // Found by name, a file must declare the name it is found by.
    assertThat(file.getFileName().toString()).isEqualTo(r.definitionOrNull().name() + ".yaml");
    assertThat(ParameterBinder.bind(r.definitionOrNull(), null, null, Map.of(), "request").errors())
        .isEmpty();
  }

  @Test
  void docsExampleHasNoDiagnosticsAgainstTheRealCatalog() throws IOException {
    LoadResult r = new DefinitionLoader(REAL).load("docs/language.md", docsExample());

    assertThat(r.errors()).as(r.errorText()).isEmpty();
  }

  @Test
  void shortExampleHasNoDiagnosticsAgainstTheRealCatalog() throws IOException {
    LoadResult r = new DefinitionLoader(REAL).load("docs/language.md", shortExample());

    assertThat(r.errors()).as(r.errorText()).isEmpty();
    assertThat(r.definitionOrNull().steps()).hasSize(4);
    assertThat(r.definitionOrNull().onVariantChange()).hasSize(2);
  }

  @Test
  void readmeStepFileHasNoDiagnosticsAgainstTheRealCatalog() throws IOException {
    LoadResult r = new DefinitionLoader(REAL).load("README.md", readmeExample());

    assertThat(r.errors()).as(r.errorText()).isEmpty();
    assertThat(r.definitionOrNull().steps()).hasSize(1);
  }

  /** The example's stack step names a template that exists, relative to the definitions dir. */
  @Test
  void docsExampleStackTemplateExists() throws IOException {
    Definition d = new DefinitionLoader(REAL).load("docs/language.md", docsExample()).definitionOrNull();
    ParameterBinder.BindResult bound = ParameterBinder.bind(d, null, null, Map.of(), "request");
    ActionStep stack =
        Step.actions(d.steps()).stream()
            .filter(s -> "CreateStack".equals(s.action()))
            .findFirst()
            .orElseThrow();
    Map<String, Object> scope =
        LabScope.of(d, "lab-1", "r", null, bound.variant(), bound.parameters(), Map.of());
    Object template = Expressions.evaluate(stack.with().get("templateFile"), scope);

    assertThat(root().resolve("definitions").resolve((String) template)).isRegularFile();
  }

  /**
   * The checked-in catalog file is the real catalog rendered as JSON. When the step library
   * changes, {@code -Dlabflow.catalog.update=true} rewrites the file (then this test passes).
   */
  @Test
  void workflowsTestCatalogFileIsTheRealCatalog() throws Exception {
    String rendered = JSON.writeValueAsString(List.copyOf(REAL.all())) + "\n";
    Path file = root().resolve(CATALOG_FILE);
    if (Boolean.getBoolean("labflow.catalog.update")) {
      Files.writeString(file, rendered);
    }
    assertThat(file).as("generated catalog").isRegularFile();
    ActionCatalog copy =
        ActionCatalog.of(JSON.readValue(file.toFile(), new TypeReference<List<ActionSpec>>() {}));

    // Soft: one run lists every difference.
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(names(copy)).as("action names").containsExactlyElementsOf(names(REAL));
    for (ActionSpec real : REAL.all()) {
      copy
          .find(real.name())
          .ifPresent(
              c -> {
                soft.assertThat(c.inputs())
                    .as("inputs of %s", real.name())
                    .containsExactlyElementsOf(real.inputs());
                soft.assertThat(c.outputs())
                    .as("outputs of %s", real.name())
                    .containsExactlyElementsOf(real.outputs());
                soft.assertThat(c.longRunning())
                    .as("long-running %s", real.name())
                    .isEqualTo(real.longRunning());
              });
    }
    soft.assertThat(Files.readString(file))
        .as("%s is stale: rerun this test with -Dlabflow.catalog.update=true", CATALOG_FILE)
        .isEqualTo(rendered);
    soft.assertAll();
  }

  private static List<String> names(ActionCatalog c) {
    List<String> out = new ArrayList<>();
    c.all().forEach(a -> out.add(a.name()));
    return out;
  }

  /** The YAML block after "A step file in brief" in the README. */
  static String readmeExample() throws IOException {
    return yamlAfter("README.md", "A step file in brief");
  }

  /** The YAML block after "## Short example" in docs/language.md. */
  static String shortExample() throws IOException {
    return yamlAfter("docs/language.md", "## Short example");
  }

  private static String yamlAfter(String file, String heading) throws IOException {
    String doc = Files.readString(root().resolve(file));
    int section = doc.indexOf(heading);
    assertThat(section).as("%s has '%s'", file, heading).isNotNegative();
    int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
    int end = doc.indexOf("```\n", start);
    return doc.substring(start, end);
  }

  /** The YAML block after "## Complete example" in docs/language.md. */
  static String docsExample() throws IOException {
    return yamlAfter("docs/language.md", "## Complete example");
  }
}
