package io.labflow.workflows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.labflow.workflows.model.OnFailure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Keeps {@code definitions/schema/labflow.schema.json} in step with the loader. */
@Tag("fast")
class SchemaTest {

  private static final Path SCHEMA = Path.of("..", "definitions", "schema", "labflow.schema.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode schemaJson;
  private static JsonSchema schema;

  @BeforeAll
  static void loadSchema() throws IOException {
    schemaJson = JSON.readTree(Files.readString(SCHEMA));
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaJson);
  }

  @Test
  void everyLevelDeclaresExactlyTheKeysTheLoaderAccepts() {
    assertThat(names(schemaJson.get("properties"))).isEqualTo(DefinitionKeys.TOP_LEVEL);
    JsonNode defs = schemaJson.get("$defs");
    assertThat(names(defs.at("/parameter/properties"))).isEqualTo(DefinitionKeys.PARAMETER);
    assertThat(names(defs.at("/defaults/properties"))).isEqualTo(DefinitionKeys.DEFAULTS);
    assertThat(names(defs.at("/actionStep/properties"))).isEqualTo(DefinitionKeys.ACTION_STEP);
    assertThat(names(defs.at("/parallelStep/properties"))).isEqualTo(DefinitionKeys.PARALLEL_STEP);
    assertThat(names(defs.at("/retry/properties"))).isEqualTo(DefinitionKeys.RETRY);
    assertThat(names(defs.at("/compensate/properties"))).isEqualTo(DefinitionKeys.COMPENSATE);
  }

  @Test
  void enumsAndPatternsMatchTheLoader() {
    JsonNode defs = schemaJson.get("$defs");
    assertThat(texts(defs.at("/onFailure/enum")))
        .isEqualTo(Arrays.stream(OnFailure.values()).map(OnFailure::toString).toList());
    assertThat(texts(defs.at("/parameter/properties/type/enum")))
        .isEqualTo(DefinitionKeys.PARAMETER_TYPES);
    assertThat(texts(defs.at("/parameter/properties/format/enum")))
        .isEqualTo(DefinitionKeys.PARAMETER_FORMATS);
    assertThat(texts(defs.at("/parameter/properties/arnTypes/items/enum")))
        .isEqualTo(PrincipalArns.TYPES);
    assertThat(defs.at("/duration/pattern").asText()).isEqualTo(Durations.PATTERN);
    assertThat(defs.at("/id/pattern").asText()).isEqualTo(DefinitionKeys.ID_PATTERN);
    assertThat(defs.at("/key/pattern").asText()).isEqualTo(DefinitionKeys.KEY_PATTERN);
  }

  @Test
  void everyObjectWithPropertiesIsClosedAndDescribed() {
    List<String> problems = new ArrayList<>();
    walk(schemaJson, "", problems);
    assertThat(problems).isEmpty();
  }

  private static void walk(JsonNode node, String at, List<String> problems) {
    if (node.has("properties")) {
      if (!node.path("additionalProperties").isBoolean()
          || node.get("additionalProperties").asBoolean()) {
        problems.add(at + " lacks additionalProperties: false");
      }
      for (Iterator<String> it = node.get("properties").fieldNames(); it.hasNext(); ) {
        String key = it.next();
        JsonNode prop = node.get("properties").get(key);
        String ref = prop.path("$ref").asText("");
        boolean describedByRef =
            ref.startsWith("#/$defs/")
                && schemaJson.get("$defs").get(ref.substring(8)).has("description");
        if (!prop.has("description") && !describedByRef) {
          problems.add(at + "/" + key + " has no description");
        }
      }
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (node.get(key).isObject()) {
        walk(node.get(key), at + "/" + key, problems);
      }
    }
  }

  static Stream<String> validFiles() throws IOException {
    return files("valid");
  }

  @Test
  void theShippedChallengeWithTasksPassesTheSchema() throws IOException {
    assertThat(validate(Path.of("..", "definitions", "iam-service-role-challenge.yaml"))).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("validFiles")
  void validDefinitionsPassTheSchema(String file) throws IOException {
    assertThat(validate(Path.of("src/test/resources/definitions/valid", file))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unknown-top-key.yaml",
        "unknown-step-key.yaml",
        "unknown-retry-key.yaml",
        "unknown-compensate-key.yaml",
        "unknown-defaults-key.yaml",
        "unknown-parameter-key.yaml",
        "wrong-types.yaml",
        "missing-name-and-steps.yaml",
        "steps-empty.yaml",
        "steps-not-list.yaml",
        "step-missing-id-and-action.yaml",
        "bad-durations.yaml",
        "bad-onfailure.yaml",
        "bad-ids.yaml",
        "nested-parallel.yaml",
        "parallel-with-action.yaml",
        "bad-retry-values.yaml"
      })
  void structurallyBrokenDefinitionsFailTheSchema(String file) throws IOException {
    assertThat(validate(Path.of("src/test/resources/definitions/broken", file))).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"500ms", "30s", "5m", "2h", "1m30s", "1h2m3s4ms", "0s", "30", "1.5s", "1d", "5 m",
        "PT5M", "ms", "1s2m", "5M", "-1s", "1m1m"})
  void schemaDurationPatternAgreesWithTheLoader(String duration) throws IOException {
    String yaml =
        "name: d\nkeepAlive: \"" + duration + "\"\nsteps:\n  - {id: a, action: CreateRole}\n";
    Object data = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    boolean schemaAccepts = schema.validate(JSON.valueToTree(data)).isEmpty();
    assertThat(schemaAccepts).isEqualTo(Durations.parse(duration).isPresent());
  }

  @Test
  void theSchemaNamesTheOffendingKey() throws IOException {
    Set<ValidationMessage> errors =
        validate(Path.of("src/test/resources/definitions/broken/unknown-top-key.yaml"));
    assertThat(errors.toString()).contains("stpes");
  }

  private static Set<ValidationMessage> validate(Path file) throws IOException {
    Object data = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    return schema.validate(JSON.valueToTree(data));
  }

  private static Stream<String> files(String dir) throws IOException {
    try (Stream<Path> s = Files.list(Path.of("src/test/resources/definitions", dir))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList().stream();
    }
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
