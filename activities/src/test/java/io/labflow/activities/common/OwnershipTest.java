package io.labflow.activities.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class OwnershipTest {

  private static final Ownership.Owner RUN_1 = new Ownership.Owner("default", "lab-a", "run-1");

  private static List<Map.Entry<String, String>> tags(String... kv) {
    List<Map.Entry<String, String>> out = new java.util.ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.add(Map.entry(kv[i], kv[i + 1]));
    }
    return out;
  }

  private static boolean belongs(List<Map.Entry<String, String>> t, Ownership.Owner o) {
    return Ownership.belongs(t, Map.Entry::getKey, Map.Entry::getValue, o);
  }

  private static boolean created(List<Map.Entry<String, String>> t, Ownership.Owner o) {
    return Ownership.createdBy(t, Map.Entry::getKey, Map.Entry::getValue, o);
  }

  @Test
  void aCreateTagsTheLabNamespaceAndRun() {
    assertThat(RUN_1.tags())
        .containsExactly(
            Map.entry("labflow:lab", "lab-a"),
            Map.entry("labflow:namespace", "default"),
            Map.entry("labflow:run", "run-1"));
  }

  @Test
  void onlyTheSameRunAdopts() {
    var mine = tags("labflow:lab", "lab-a", "labflow:namespace", "default", "labflow:run", "run-1");
    assertThat(created(mine, RUN_1)).isTrue();
    assertThat(created(mine, new Ownership.Owner("default", "lab-a", "run-2"))).isFalse();
    assertThat(created(mine, new Ownership.Owner("other-ns", "lab-a", "run-1"))).isFalse();
    assertThat(created(mine, new Ownership.Owner("default", "lab-b", "run-1"))).isFalse();
    // Forged by hand: only the lab tag.
    assertThat(created(tags("labflow:lab", "lab-a"), RUN_1)).isFalse();
  }

  @Test
  void theLabsNamespaceMayUseAndSweepAnyRunsResourcesButNoOtherNamespacesOnes() {
    var earlierRun = tags("labflow:lab", "lab-a", "labflow:namespace", "default", "labflow:run", "run-0");
    Ownership.Owner reset = new Ownership.Owner("default", "lab-a", null);
    assertThat(belongs(earlierRun, RUN_1)).isTrue();
    assertThat(belongs(earlierRun, reset)).isTrue();
    assertThat(belongs(earlierRun, new Ownership.Owner("staging", "lab-a", null))).isFalse();
    assertThat(belongs(earlierRun, new Ownership.Owner("default", "lab-b", null))).isFalse();
    assertThat(belongs(tags("labflow:lab", "lab-a"), new Ownership.Owner("staging", "lab-a", null)))
        .as("tagged by hand for the lab, in no namespace")
        .isTrue();
    assertThat(belongs(tags(), RUN_1)).isFalse();
  }

  @Test
  void outsideAnActivityTheLabTagDecides() {
    assertThat(Ownership.of("lab-a")).isEqualTo(new Ownership.Owner(null, "lab-a", null));
  }
}
