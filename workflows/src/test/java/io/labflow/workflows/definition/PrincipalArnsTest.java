package io.labflow.workflows.definition;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.binding.ParameterBinder;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.yaml.Diagnostic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class PrincipalArnsTest {

  private static final String DEFINITION =
      """
      name: arn-lab
      parameters:
        principal:
          type: string
          format: arn
      steps:
        - id: role
          action: CreateRole
          with:
            labId: ${lab.labId}
            roleName: fixed-name
      """;

  @Test
  void acceptsRolesAndUsersWithPaths() {
    assertThat(PrincipalArns.problem("arn:aws:iam::123456789012:role/labflow-worker", null)).isEmpty();
    assertThat(PrincipalArns.problem("arn:aws:iam::123456789012:role/team/a/worker", null)).isEmpty();
    assertThat(PrincipalArns.problem("arn:aws-cn:iam::123456789012:user/ada", null)).isEmpty();
    assertThat(PrincipalArns.account("arn:aws:iam::123456789012:user/ada")).contains("123456789012");
  }

  @Test
  void rejectsWildcardsMalformedAndOtherKinds() {
    assertThat(PrincipalArns.problem("*", null)).get().asString().startsWith("contains a wildcard");
    assertThat(PrincipalArns.problem("arn:aws:iam::123456789012:role/*", null))
        .get().asString().startsWith("contains a wildcard");
    assertThat(PrincipalArns.problem("arn:aws:iam::*:root", List.of("root")))
        .get().asString().startsWith("contains a wildcard");
    assertThat(PrincipalArns.problem("arn:aws:iam::123456789012:root", null))
        .get().asString().startsWith("names an account root, which this parameter does not allow");
    assertThat(PrincipalArns.problem("arn:aws:iam::123456789012:root", List.of("root"))).isEmpty();
    for (String bad :
        List.of(
            "",
            "ec2.amazonaws.com",
            "arn:aws:iam::12345:role/x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam:us-east-1:123456789012:role/x",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam::123456789012:group/g",
            "arn:aws:iam::123456789012:role/has space",
            "arn:aws:iam::123456789012:role/" + "x".repeat(65),
            "arn:aws:sts::123456789012:assumed-role/r/s")) {
      assertThat(PrincipalArns.problem(bad, null)).as(bad).isPresent();
    }
  }

  @Test
  void theBinderRejectsABadValueAndTheLoaderABadDefault() {
    LoadResult loaded = new DefinitionLoader(StepLibraryCatalog.create()).load("arn.yaml", DEFINITION);
    assertThat(loaded.errors()).isEmpty();
    Definition d = loaded.definitionOrNull();
    assertThat(d.parameters().get("principal").isArn()).isTrue();
    ParameterBinder.BindResult star = ParameterBinder.bind(d, null, null, Map.of("principal", "*"), "request");
    assertThat(star.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "request: parameters.principal: parameter 'principal' value '*' contains a wildcard:"
                + " a trust policy with it would let any matching principal in; expected the ARN of"
                + " one IAM role or user, such as arn:aws:iam::123456789012:role/my-role");
    assertThat(
            ParameterBinder.bind(
                    d, null, null, Map.of("principal", "arn:aws:iam::123456789012:role/w"), "request")
                .ok())
        .isTrue();

    LoadResult badDefault =
        new DefinitionLoader(StepLibraryCatalog.create())
            .load("arn.yaml", DEFINITION.replace("format: arn", "format: arn\n    default: \"*\""));
    assertThat(badDefault.errorText())
        .contains("parameters.principal.default: default '*' contains a wildcard");
    LoadResult badKeys =
        new DefinitionLoader(StepLibraryCatalog.create())
            .load(
                "arn.yaml",
                DEFINITION.replace(
                    "format: arn", "format: url\n    arnTypes: [group]\n    accounts: [\"12\"]"));
    assertThat(badKeys.errorText())
        .contains("unknown format 'url'", "unknown principal type 'group'", "account '12' must be 12 digits",
            "arnTypes and accounts apply only to a parameter with format: arn");
  }
}
