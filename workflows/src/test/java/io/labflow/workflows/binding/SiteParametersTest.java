package io.labflow.workflows.binding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.labflow.workflows.definition.DefinitionLoader;
import io.labflow.workflows.definition.DefinitionLoaderTest;
import io.labflow.workflows.definition.DefinitionSource;
import io.labflow.workflows.definition.StepLibraryCatalog;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.lab.ResolvedLab;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Site parameter defaults, applied inside the resolve activity. */
@Tag("fast")
class SiteParametersTest {

  private String fullText;

  @BeforeEach
  void setUp() throws IOException {
    fullText = DefinitionLoaderTest.resource("valid/full-lab.yaml");
  }

  private DefinitionActivitiesImpl withSite(Map<String, Object> site) {
    return new DefinitionActivitiesImpl(
        name -> Optional.of(new DefinitionSource.SourceFile("definitions/" + name + ".yaml", fullText)),
        new DefinitionLoader(StepLibraryCatalog.create()),
        io.labflow.workflows.lab.Preflight.NONE,
        new SiteParameters(site, "LABFLOW_SITE_PARAMETERS"));
  }

  private static LabRequest request(Map<String, Object> params) {
    return new LabRequest("iam-service-role-lab", null, "lab-042", params, null);
  }

  @Test
  void runValuesWinOverSiteValuesWhichWinOverDefinitionDefaults() {
    ResolvedLab lab =
        withSite(Map.of("region", "eu-west-3", "owner", "site-owner", "sessionSeconds", "900"))
            .resolve(request(Map.of("owner", "ada")));
    assertThat(lab.parameters())
        .containsEntry("owner", "ada") // the run's
        .containsEntry("region", "eu-west-3") // the site's, over the default us-east-1
        .containsEntry("sessionSeconds", 900) // the site's, typed like a run parameter
        .containsEntry("strict", true); // the definition's default
  }

  @Test
  void aSiteValueTheDefinitionDoesNotDeclareIsIgnored() {
    ResolvedLab lab =
        withSite(Map.of("verifyMethod", "probe", "owner", "site-owner")).resolve(request(Map.of()));
    assertThat(lab.parameters()).containsEntry("owner", "site-owner").doesNotContainKey("verifyMethod");
  }

  @Test
  void aBadSiteValueIsRejectedNamingTheSite() {
    ApplicationFailure f =
        catchThrowableOfType(
            () -> withSite(Map.of("region", "mars")).resolve(request(Map.of("owner", "ada"))),
            ApplicationFailure.class);
    assertThat(f.getType()).isEqualTo("InvalidRequest");
    assertThat(f.getOriginalMessage())
        .isEqualTo(
            "LABFLOW_SITE_PARAMETERS: parameters.region: parameter 'region' value 'mars' does not"
                + " match pattern '[a-z]{2}-[a-z]+-[0-9]'");
  }
}
