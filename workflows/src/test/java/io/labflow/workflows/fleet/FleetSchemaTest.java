package io.labflow.workflows.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.labflow.workflows.definition.Durations;
import io.labflow.workflows.lab.LabIds;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Keeps {@code definitions/schema/fleet.schema.json} in step with the fleet loader. */
@Tag("fast")
class FleetSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode schemaJson() throws Exception {
    return JSON.readTree(Files.readString(Path.of("..", "definitions", "schema", "fleet.schema.json")));
  }

  private static boolean schemaAccepts(String yaml) throws Exception {
    JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schemaJson());
    Object data = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    return schema.validate(JSON.valueToTree(data)).isEmpty();
  }

  @Test
  void everyLevelDeclaresExactlyTheKeysTheLoaderAccepts() throws Exception {
    JsonNode s = schemaJson();
    assertThat(names(s.get("properties"))).isEqualTo(FleetKeys.TOP_LEVEL);
    assertThat(names(s.at("/$defs/lab/properties"))).isEqualTo(FleetKeys.LAB);
    assertThat(names(s.at("/$defs/numbered/properties"))).isEqualTo(FleetKeys.NUMBERED);
    assertThat(names(s.at("/$defs/schedule/properties"))).isEqualTo(FleetKeys.SCHEDULE);
  }

  @Test
  void patternsAndBoundsAreTheLoaders() throws Exception {
    JsonNode s = schemaJson();
    assertThat(s.at("/properties/name/pattern").asText()).isEqualTo(LabIds.PATTERN);
    assertThat(s.at("/$defs/labId/pattern").asText()).isEqualTo(LabIds.PATTERN);
    assertThat(s.at("/$defs/duration/pattern").asText()).isEqualTo(Durations.PATTERN);
    assertThat(s.at("/properties/concurrency/maximum").asInt()).isEqualTo(FleetKeys.MAX_CONCURRENCY);
    assertThat(s.at("/properties/quarantineAfter/maximum").asInt()).isEqualTo(FleetKeys.MAX_QUARANTINE_AFTER);
    assertThat(s.at("/properties/quotaShortfall/enum")).extracting(JsonNode::asText)
        .containsExactlyElementsOf(FleetKeys.QUOTA_SHORTFALL);
    assertThat(s.at("/$defs/numbered/properties/count/maximum").asInt()).isEqualTo(FleetKeys.MAX_LABS);
  }

  @Test
  void theShippedExamplePassesTheSchema() throws Exception {
    assertThat(schemaAccepts(Files.readString(Path.of("..", "definitions", "fleets", "iam-class.yaml")))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "name: n\ndefinition: d\nlabs: [a]\nschedule: {cron: x}\nconcurency: 3\n",
      "name: n\ndefinition: d\nlabs: [{id: a, varient: v}]\nschedule: {cron: x}\n",
      "name: n\ndefinition: d\nlabs: {prefix: a, count: 0}\nschedule: {cron: x}\n",
      "name: n\ndefinition: d\nlabs: [a]\nschedule: {cron: x, jitter: 5 m}\n",
      "name: n\ndefinition: d\nlabs: [Bad]\nschedule: {cron: x}\n",
      "name: n\ndefinition: d\nlabs: [a]\n"})
  void brokenFilesFailBothTheSchemaAndTheLoader(String yaml) throws Exception {
    assertThat(schemaAccepts(yaml)).isFalse();
    assertThat(new FleetLoader().load("f.yaml", yaml).ok()).isFalse();
  }

  private static List<String> names(JsonNode node) {
    List<String> out = new ArrayList<>();
    node.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
