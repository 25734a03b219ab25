package io.labflow.worker.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import io.labflow.worker.runtime.Composition;
import io.labflow.workflows.model.Definition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The doctor's preflight and permission rows on moto read a lab's stack templates by the one rule
 * ({@code LabNeeds.templateFiles}), the site parameters given included, as its quota rows do.
 */
@ExtendWith(MotoServer.class)
@Tag("moto")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DoctorOnMotoTest {

  private Composition.AwsAccess access;

  @AfterEach
  void close() {
    if (access != null) {
      access.clients().close();
    }
  }

  /** A doctor of one definition in {@code dir}, as {@link Doctor#run} makes it once AWS answers. */
  private Doctor doctor(Path dir, String name, String site) throws Exception {
    access = Composition.awsAccess(List.of());
    Definition d = Composition.validate(name + ".yaml",
        Files.readString(dir.resolve(name + ".yaml"))).definitionOrNull();
    return new Doctor(dir, "labflow", site, "--site-parameters", Map.of(name, d), access,
        new AwsPreflight(access.clients(), access.guard()).identity(), List.of(), null, null);
  }

  /**
   * Before, the preflight row read the template of a lab named {@code doctor}
   * ({@code templates/doctor.yaml}, absent) and failed a valid definition.
   */
  @Test
  void aTemplateTheLabIdNamesIsSaidKnownOnlyAtRunTimeNotRead(@TempDir Path dir) throws Exception {
    MotoServer.enforceIamWithAdmin();
    Path perLab = Lab.perLabTemplateDefinition(dir);
    Files.writeString(perLab, Files.readString(perLab)
        .replace("template: {type: string}", "template: {type: string, default: env.yaml}"));

    assertThat(PreflightCheck.rows(doctor(dir, "per-lab", null))).containsExactly(
        Row.ok("preflight per-lab", "no verification step; the preflight of a lab passed"),
        Row.unknown("preflight per-lab", "step 'stack' templateFile 'templates/${lab.labId}.yaml'"
            + " names the lab id, so its template is known only at run time: a run's preflight"
            + " reads it"));
  }

  /**
   * Before, the permission row bound no site value: a template only the site parameters name was
   * said known only at run time, and its stack's actions were not asked about.
   */
  @Test
  void thePermissionRowReadsTheTemplateTheSiteParametersName(@TempDir Path dir)
      throws Exception {
    MotoServer.enforceIamWithAdmin();
    Lab.parameterisedTemplateDefinition(dir);

    assertThat(PermissionCheck.rows(doctor(dir, "param-template", "{\"template\": \"env.yaml\"}")))
        .singleElement().satisfies(r -> {
          assertThat(r.verdict()).as(r.detail()).isEqualTo(Row.Verdict.OK);
          assertThat(r.detail()).startsWith("all ").doesNotContain("known only at run time");
        });
  }
}
