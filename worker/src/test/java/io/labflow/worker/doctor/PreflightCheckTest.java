package io.labflow.worker.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.preflight.AwsPreflight;
import io.labflow.activities.testing.Tools;
import io.labflow.worker.runtime.Composition;
import io.labflow.worker.runtime.DirectoryDefinitionSource;
import io.labflow.workflows.binding.SiteParameters;
import io.labflow.workflows.lab.DefinitionActivities;
import io.labflow.workflows.lab.Preflight;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The doctor's preflight row tells a lab that needs run parameters from a failed preflight by the
 * resolver's structured answer (the missing parameters), not by the words of its message; it reads
 * the site parameters the doctor is given ({@code --site-parameters}), not the environment's.
 */
@Tag("fast")
class PreflightCheckTest {

  private static Row row(String definition, Preflight preflight) {
    DefinitionActivities resolver = Composition.definitionActivities(
        new DirectoryDefinitionSource(Tools.repoRoot().resolve("definitions")), preflight,
        SiteParameters.NONE);
    return PreflightCheck.check(resolver, "preflight " + definition, definition,
        SiteParameters.NONE);
  }

  private static List<Row> siteRows(String source) {
    return PreflightCheck.rows(new Doctor(Tools.repoRoot().resolve("definitions"), "labflow",
        "{\"verifyMethod\":}", source, Map.of(), null, null, List.of(), "not asked in this test",
        null));
  }

  @Test
  void theSiteParametersTheDoctorIsGivenAreTheOnesItReads() {
    assertThat(siteRows("LABFLOW_SITE_PARAMETERS")).singleElement().satisfies(r -> {
      assertThat(r.check()).isEqualTo("site parameters");
      assertThat(r.verdict()).isEqualTo(Row.Verdict.FAIL);
      assertThat(r.detail())
          .startsWith("LABFLOW_SITE_PARAMETERS: not valid JSON at line 1, column ")
          .endsWith("; fix: correct LABFLOW_SITE_PARAMETERS");
    });
  }

  /** Given as {@code --site-parameters}, the row names the option the user gave. */
  @Test
  void badSiteParametersGivenAsTheOptionNameTheOption() {
    assertThat(siteRows("--site-parameters")).singleElement().satisfies(r -> assertThat(r.detail())
        .startsWith("--site-parameters: not valid JSON at line 1, column ")
        .endsWith("; fix: correct --site-parameters"));
  }

  @Test
  void aLabThatNeedsARunParameterIsUnknown() {
    Row r = row("iam-service-role-challenge", Preflight.NONE);
    assertThat(r.verdict()).isEqualTo(Row.Verdict.UNKNOWN);
    assertThat(r.detail()).startsWith("a lab of it needs run parameters")
        .contains("parameters.trustedPrincipalArn");
  }

  @Test
  void aFailedPreflightWhoseMessageQuotesTheWordsStillFails() {
    String message = "the role's description says 'missing required parameter'";
    Row r = row("iam-service-role-lab", (labId, lab) -> {
      throw AwsPreflight.failed(message);
    });
    assertThat(r).isEqualTo(
        new Row("preflight iam-service-role-lab", Row.Verdict.FAIL, "preflight: " + message));
  }
}
