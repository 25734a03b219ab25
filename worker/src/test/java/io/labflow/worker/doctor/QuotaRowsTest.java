package io.labflow.worker.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Lab;
import io.labflow.worker.runtime.Composition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doctor's quota rows, offline: what they cannot count is said, as {@code plan} says it. */
@Tag("fast")
class QuotaRowsTest {

  /**
   * Before, the doctor counted a lab named {@code doctor}: it read {@code templates/doctor.yaml}
   * (here absent, as it would be) and showed no row for the stack, in silence.
   */
  @Test
  void aStackWhoseTemplateTheLabIdNamesIsSaidNotCounted(@TempDir Path dir) throws Exception {
    String text = Files.readString(Lab.perLabTemplateDefinition(dir));
    Doctor doctor = new Doctor(dir, "labflow", null, "LABFLOW_SITE_PARAMETERS",
        Map.of("per-lab", Composition.validate("per-lab.yaml", text).definitionOrNull()), null,
        null, List.of(), null, null);

    String quotas = System.setProperty("labflow.quotas", "check");
    try {
      assertThat(doctor.quotaRows()).containsExactly(Row.unknown("quotas per-lab", "not counted:"
          + " step 'stack' templateFile 'templates/${lab.labId}.yaml' names the lab id, so what"
          + " its stack counts is known only at run time (plan with --lab-id to count it)"));
    } finally {
      if (quotas == null) {
        System.clearProperty("labflow.quotas");
      } else {
        System.setProperty("labflow.quotas", quotas);
      }
    }
  }
}
