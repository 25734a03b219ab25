package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.binding.SiteParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
class SiteParameterSourceTest {

  private static SiteParameters parse(String value) {
    return SiteParameterSource.parse(value, SiteParameterSource.VARIABLE);
  }

  @Test
  void unsetMeansNone() {
    assertThat(parse(null).values()).isEmpty();
    assertThat(parse("  ").values()).isEmpty();
  }

  @Test
  void inlineJson() {
    SiteParameters site = parse("{\"verifyMethod\":\"probe\",\"verifyBudgetSeconds\":30}");
    assertThat(site.values()).isEqualTo(Map.of("verifyMethod", "probe", "verifyBudgetSeconds", 30));
    assertThat(site.label()).isEqualTo("LABFLOW_SITE_PARAMETERS");
  }

  @Test
  void aFileNamedByPath(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("site.json");
    Files.writeString(file, "{\n  \"verifyMethod\": \"probe\"\n}\n");
    SiteParameters site = parse(file.toString());
    assertThat(site.values()).containsEntry("verifyMethod", "probe");
    assertThat(site.label()).isEqualTo("LABFLOW_SITE_PARAMETERS (" + file + ")");
  }

  @Test
  void badValuesAreSentences(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> parse(dir.resolve("missing.json").toString()))
        .hasMessage("LABFLOW_SITE_PARAMETERS: '" + dir.resolve("missing.json")
            + "' is neither a JSON object nor a readable file (NoSuchFileException)");
    assertThatThrownBy(() -> parse("{\"verifyMethod\":}"))
        .hasMessageStartingWith("LABFLOW_SITE_PARAMETERS: not valid JSON at line 1, column ");
    Path list = dir.resolve("list.json");
    Files.writeString(list, "[1]");
    assertThatThrownBy(() -> parse(list.toString()))
        .hasMessage("LABFLOW_SITE_PARAMETERS (" + list + "): must be a JSON object of parameter values");
  }
}
