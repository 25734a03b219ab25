package io.labflow.workflows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.yaml.Diagnostic;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Damaged input must always come back as diagnostics, never as an exception. */
@Tag("fast")
class LoaderRobustnessTest {

  private final DefinitionLoader loader = new DefinitionLoader(StepLibraryCatalog.create());

  @Test
  void everyTruncationOfAValidFileIsReportedOrValid() throws IOException {
    String full = DefinitionLoaderTest.resource("valid/full-lab.yaml");
    int invalid = 0;
    for (int end = 0; end < full.length(); end += 3) {
      if (!check(full.substring(0, end))) {
        invalid++;
      }
    }
    assertThat(invalid).isPositive();
  }

  @Test
  void everyFileWithOneLineRemovedIsReportedOrValid() throws IOException {
    String[] lines = DefinitionLoaderTest.resource("valid/full-lab.yaml").split("\n", -1);
    int invalid = 0;
    for (int skip = 0; skip < lines.length; skip++) {
      List<String> kept = new ArrayList<>(List.of(lines));
      kept.remove(skip);
      if (!check(String.join("\n", kept))) {
        invalid++;
      }
    }
    assertThat(invalid).isPositive();
  }

  @Test
  void randomByteDamageIsReported() throws IOException {
    byte[] original =
        DefinitionLoaderTest.resource("valid/full-lab.yaml").getBytes(StandardCharsets.UTF_8);
    Random random = new Random(42);
    String alphabet = "{}[]:,-&*!|>'\"#%@`${}\t\n ";
    for (int round = 0; round < 1500; round++) {
      byte[] damaged = original.clone();
      int changes = 1 + random.nextInt(4);
      for (int i = 0; i < changes; i++) {
        int at = random.nextInt(damaged.length);
        damaged[at] =
            random.nextInt(10) == 0
                ? (byte) random.nextInt(256)
                : (byte) alphabet.charAt(random.nextInt(alphabet.length()));
      }
      LoadResult r = loader.load("damaged.yaml", new String(damaged, StandardCharsets.UTF_8));
      assertValidShape(r);
    }
  }

  /** Loads text and checks the result's shape; returns whether it was valid. */
  private boolean check(String text) {
    LoadResult r = loader.load("cut.yaml", text);
    assertValidShape(r);
    return r.ok();
  }

  private static void assertValidShape(LoadResult r) {
    if (r.ok()) {
      assertThat(r.definitionOrNull()).isNotNull();
      return;
    }
    assertThat(r.definitionOrNull()).isNull();
    assertThat(r.errors()).isNotEmpty();
    for (Diagnostic d : r.errors()) {
      assertThat(d.line()).isPositive();
      assertThat(d.column()).isPositive();
      assertThat(d.message()).isNotBlank().doesNotContain("Exception").doesNotContain("\tat ");
    }
  }
}
