package io.labflow.worker.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.StepLibrary;
import io.labflow.activities.testing.MotoServer;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.LoadResult;
import io.labflow.workflows.definition.ParameterBinder;
import io.labflow.workflows.expr.Expressions;
import io.labflow.workflows.expr.LabScope;
import io.labflow.workflows.model.ActionStep;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The step files and the documented example validate against the REAL step library's catalog, and
 * the copy of that catalog the workflows module's tests use ({@code StepLibraryMirror}) is exact.
 */
class LabDefinitionsTest {

  static final ActionCatalog REAL =
      ActionCatalog.fromActivityInterfaces(StepLibrary.activityInterfaces().toArray(Class[]::new));

  static Path root() {
    Path root = MotoServer.repoRoot();
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
    assertThat(ParameterBinder.bind(r.definitionOrNull(), null, Map.of(), "request").errors())
        .isEmpty();
  }

  @Test
  void docsExampleHasNoDiagnosticsAgainstTheRealCatalog() throws IOException {
    LoadResult r = new DefinitionLoader(REAL).load("docs/language.md", docsExample());

    assertThat(r.errors()).as(r.errorText()).isEmpty();
  }

  @Test
  void readmeExampleHasNoDiagnosticsAgainstTheRealCatalog() throws IOException {
    LoadResult r = new DefinitionLoader(REAL).load("README.md", readmeExample());

    assertThat(r.errors()).as(r.errorText()).isEmpty();
    assertThat(r.definitionOrNull().steps()).hasSize(4);
    assertThat(r.definitionOrNull().onVariantChange()).hasSize(2);
  }

  /** The example's stack step names a template that exists, relative to the definitions dir. */
  @Test
  void docsExampleStackTemplateExists() throws IOException {
    Definition d = new DefinitionLoader(REAL).load("docs/language.md", docsExample()).definitionOrNull();
    ParameterBinder.BindResult bound = ParameterBinder.bind(d, null, Map.of(), "request");
    ActionStep stack =
        Step.actions(d.steps()).stream()
            .filter(s -> "CreateStack".equals(s.action()))
            .findFirst()
            .orElseThrow();
    Map<String, Object> scope =
        LabScope.of(d, "lab-1", "r", bound.variant(), bound.parameters(), Map.of());
    Object template = Expressions.evaluate(stack.with().get("templateFile"), scope);

    assertThat(root().resolve("definitions").resolve((String) template)).isRegularFile();
  }

  @Test
  void workflowsTestMirrorMatchesTheRealCatalog() throws Exception {
    ActionCatalog mirror = mirror();

    // Soft: one run lists every difference.
    SoftAssertions soft = new SoftAssertions();
    soft.assertThat(names(mirror)).as("action names").containsExactlyElementsOf(names(REAL));
    for (ActionSpec real : REAL.all()) {
      mirror
          .find(real.name())
          .ifPresent(
              copy -> {
                soft.assertThat(copy.inputs())
                    .as("inputs of %s", real.name())
                    .containsExactlyElementsOf(real.inputs());
                soft.assertThat(copy.outputs())
                    .as("outputs of %s", real.name())
                    .containsExactlyElementsOf(real.outputs());
                soft.assertThat(copy.longRunning())
                    .as("long-running %s", real.name())
                    .isEqualTo(real.longRunning());
              });
    }
    soft.assertAll();
  }

  private static List<String> names(ActionCatalog c) {
    List<String> out = new ArrayList<>();
    c.all().forEach(a -> out.add(a.name()));
    return out;
  }

  /**
   * {@code StepLibraryMirror.create()} from the workflows module's compiled test classes (a
   * package-private test class; the workflows module publishes no test-jar), loaded with this
   * test's class loader as parent so it builds the same {@link ActionCatalog} class.
   */
  private static ActionCatalog mirror() throws Exception {
    Path classes = root().resolve("workflows/target/test-classes");
    String name = "io.labflow.workflows.definition.StepLibraryMirror";
    assertThat(classes.resolve(name.replace('.', '/') + ".class"))
        .as("build the workflows module's test classes first (mvn -pl workflows test-compile)")
        .isRegularFile();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, LabDefinitionsTest.class.getClassLoader())) {
      Method create = loader.loadClass(name).getDeclaredMethod("create");
      create.setAccessible(true);
      return (ActionCatalog) create.invoke(null);
    }
  }

  /** The YAML block after "A complete example:" in the README. */
  static String readmeExample() throws IOException {
    String doc = Files.readString(root().resolve("README.md"));
    int section = doc.indexOf("A complete example:");
    assertThat(section).as("README.md has a complete example").isNotNegative();
    int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
    int end = doc.indexOf("```\n", start);
    return doc.substring(start, end);
  }

  /** The YAML block after "## Complete example" in docs/language.md. */
  static String docsExample() throws IOException {
    String doc = Files.readString(root().resolve("docs/language.md"));
    int section = doc.indexOf("## Complete example");
    assertThat(section).as("docs/language.md has a complete example").isNotNegative();
    int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
    int end = doc.indexOf("```\n", start);
    return doc.substring(start, end);
  }
}
