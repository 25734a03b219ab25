package io.labflow.activities.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.model.ResourceKind;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Every resource of its own (not a part of another) of every template, the shipped lab's and the
   * worker tests', carries all three ownership tags from the parameters labflow's CreateStack sets
   * itself, so no resource depends on the stack's tags propagating (moto's buckets get none).
   */
  @Test
  void everyTemplateResourceCarriesEveryOwnershipTagFromLabflowsParameters() throws IOException {
    List<Path> all = new ArrayList<>();
    for (Path dir : List.of(Lab.definitionsDir().resolve("templates"),
        Tools.repoRoot().resolve("worker/src/test/resources/labs/templates"))) {
      try (Stream<Path> templates = Files.list(dir)) {
        templates.filter(p -> p.toString().endsWith(".yaml")).forEach(all::add);
      }
    }
    int checked = 0;
    for (Path t : all) {
      String text = Files.readString(t);
      Matcher params = Pattern.compile("(?ms)^Parameters:\\s*$(.*?)(^\\S|\\z)").matcher(text);
      assertThat(params.find()).as("Parameters section of %s", t).isTrue();
      assertThat(params.group(1)).as("parameters of %s", t)
          .contains("\n  LabId:", "\n  LabNamespace:", "\n  LabRun:");
      Matcher section = Pattern.compile("(?ms)^Resources:\\s*$(.*?)(^\\S|\\z)").matcher(text);
      assertThat(section.find()).as("Resources section of %s", t).isTrue();
      for (String resource : section.group(1).split("(?m)^(?=  [A-Za-z0-9]+:\\s*$)")) {
        Matcher type = TYPE.matcher(resource);
        if (!type.find() || !ResourceKind.isOwnResource(type.group(1))) {
          continue;
        }
        assertThat(resource).as("%s in %s", resource.strip().lines().findFirst().orElse(""), t)
            .contains("{ Key: labflow:lab, Value: !Ref LabId }",
                "{ Key: labflow:namespace, Value: !Ref LabNamespace }",
                "{ Key: labflow:run, Value: !Ref LabRun }");
        checked++;
      }
    }
    assertThat(checked).as("resources checked").isEqualTo(8);
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
    FoundResources f = new FoundResources("lab-1");
    assertThat(f.namedAfterLab("labflow-lab-1", "a")).isTrue();
    assertThat(f.namedAfterLab("labflow-lab-1-role", "b")).isTrue();
    assertThat(f.namedAfterLab("labflow-lab-10", "c")).isFalse();
    assertThat(f.namedAfterLab("xlab-1", "d")).isFalse();
  }
}
