package io.labflow.activities.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A template's resources read as YAML nodes: JSON templates too, which the regexes missed. */
@Tag("fast")
class TemplateFactsTest {

  @Test
  void aJsonTemplateIndentedWithTabsIsRead() {
    String json = "{\n\t\"Parameters\": {\"Ami\": "
        + "{\"Type\": \"AWS::SSM::Parameter::Value<String>\"}},\n\t\"Resources\": {\n"
        + "\t\t\"Bucket\": {\n\t\t\t\"Type\": \"AWS::S3::Bucket\",\n"
        + "\t\t\t\"Properties\": {\"BucketName\": \"fixed-name\"}\n\t\t},\n"
        + "\t\t\"Box\": {\"Type\": \"AWS::EC2::Instance\", \"Properties\": {\"InstanceType\":"
        + " \"t3.micro\"}}\n\t}\n}\n";

    assertThat(TemplateFacts.types(json)).containsExactly(
        "AWS::SSM::Parameter::Value<String>", "AWS::S3::Bucket", "AWS::EC2::Instance");
    assertThat(TemplateFacts.values(json, "AWS::S3::Bucket", "BucketName"))
        .extracting(v -> v.resolve(Map.of())).containsExactly("fixed-name");
    assertThat(TemplateFacts.instanceTypes(json)).extracting(v -> v.resolve(Map.of()))
        .containsExactly("t3.micro");
    assertThat(TemplateFacts.count(json, "AWS::EC2::Instance")).isEqualTo(1);
  }

  /**
   * A template that is no YAML or JSON is refused where it is read, naming the templateFile and
   * where it breaks: before, it was read, and only the first look into it (the preflight's
   * instance types) failed, naming neither the file nor the step.
   */
  @Test
  void aTemplateThatIsNotYamlOrJsonIsRefusedWhereItIsRead(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.json"), "{\"Resources\": {\"X\": }");

    assertThatThrownBy(() -> TemplateFacts.read(dir, "bad.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("templateFile 'bad.json': " + dir.toAbsolutePath().normalize()
            .resolve("bad.json") + " is not valid YAML or JSON (line 1, column 22: expected ','"
            + " or '}', but got <stream end>)");
  }
}
