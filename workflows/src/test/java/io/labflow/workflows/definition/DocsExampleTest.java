package io.labflow.workflows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The complete example of {@code docs/language.md} is valid, so the reference cannot rot. */
@Tag("fast")
class DocsExampleTest {

  private static String example() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "language.md"));
    int section = doc.indexOf("## Complete example");
    assertThat(section).as("docs/language.md has a complete example").isNotNegative();
    int start = doc.indexOf("```yaml\n", section) + "```yaml\n".length();
    int end = doc.indexOf("```\n", start);
    return doc.substring(start, end);
  }

  @Test
  void completeExampleLoadsAgainstTheStepLibrary() throws IOException {
    LoadResult r = new DefinitionLoader(StepLibraryCatalog.create()).load("language.md", example());

    assertThat(r.errors()).isEmpty();
    Definition d = r.definitionOrNull();
    assertThat(d.name()).isEqualTo("iam-service-role-lab");
    assertThat(d.steps())
        .extracting(Step::id)
        .containsExactly("stack", "iam", "attach", "profile", "associate", "verify");
    assertThat(d.onVariantChange()).extracting(Step::id).containsExactly("new-policy-version", "reverify");

    ParameterBinder.BindResult bound = ParameterBinder.bind(d, null, null, Map.of(), "request");
    assertThat(bound.errors()).isEmpty();
    assertThat(bound.variant()).isEqualTo("read-only");
    assertThat(bound.parameters()).containsEntry("templateFile", "lab-environment.yaml");
  }

  @Test
  void completeExamplePassesTheSchema() throws IOException {
    ObjectMapper json = new ObjectMapper();
    var schema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(
                json.readTree(
                    Files.readString(Path.of("..", "definitions", "schema", "labflow.schema.json"))));
    Object data = new Yaml(new SafeConstructor(new LoaderOptions())).load(example());
    assertThat(schema.validate(json.valueToTree(data))).isEmpty();
  }
}
