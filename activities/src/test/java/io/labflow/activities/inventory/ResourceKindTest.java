package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Lab;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Every resource type of every template is a kind the lab inventory knows. */
@Tag("fast")
class ResourceKindTest {

  private static final Pattern TYPE = Pattern.compile("(?m)^\\s+Type:\\s*\"?(AWS::[A-Za-z0-9:]+)");

  @Test
  void everyTemplateResourceTypeIsAKnownKind() throws IOException {
    Set<String> types = new TreeSet<>();
    try (Stream<Path> templates = Files.list(Lab.definitionsDir().resolve("templates"))) {
      for (Path t : templates.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        String text = Files.readString(t);
        // The Resources section only: parameters have types like AWS::EC2::Image::Id too.
        Matcher section = Pattern.compile("(?ms)^Resources:\\s*$(.*?)(^\\S|\\z)").matcher(text);
        assertThat(section.find()).as("Resources section of %s", t).isTrue();
        Matcher m = TYPE.matcher(section.group(1));
        while (m.find()) {
          types.add(m.group(1));
        }
      }
    }
    assertThat(types).as("resource types of the templates").contains("AWS::EC2::InternetGateway");
    assertThat(types)
        .allSatisfy(t -> assertThat(ResourceKind.ofTemplateType(t)).as("kind of %s", t).isPresent());
  }

  @Test
  void partsBelongToTheirParentAndUnknownTypesToNone() {
    assertThat(ResourceKind.ofTemplateType("AWS::EC2::Route")).contains(ResourceKind.ROUTE_TABLES);
    assertThat(ResourceKind.isOwnResource("AWS::EC2::Route")).isFalse();
    assertThat(ResourceKind.isOwnResource("AWS::EC2::InternetGateway")).isTrue();
    assertThat(ResourceKind.ofTemplateType("AWS::RDS::DBInstance")).isEmpty();
  }

  @Test
  void theLabIdIsMatchedAsAWholeWord() {
    Pattern p = LabInventory.labIdAsWord("lab-1");
    assertThat(p.matcher("labflow-lab-1").find()).isTrue();
    assertThat(p.matcher("labflow-lab-1-role").find()).isTrue();
    assertThat(p.matcher("labflow-lab-10").find()).isFalse();
    assertThat(p.matcher("xlab-1").find()).isFalse();
  }
}
