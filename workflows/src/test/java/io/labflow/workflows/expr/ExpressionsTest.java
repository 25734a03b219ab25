package io.labflow.workflows.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class ExpressionsTest {

  private final Map<String, Object> scope =
      Map.of(
          "params", Map.of("count", 3, "name", "ada"),
          "variant", Map.of("actions", List.of("s3:GetObject"), "policy", Map.of("effect", "Allow")),
          "lab", Map.of("labId", "lab-042"),
          "steps", Map.of("role", Map.of("roleArn", "arn:aws:iam::1:role/r")));

  @Test
  void parsesReferencesWithTheirOffsets() {
    assertThat(Expressions.references("arn-${steps.role.roleArn}-${ lab.labId }"))
        .containsExactly(
            new Reference("steps.role.roleArn", List.of("steps", "role", "roleArn"), 4),
            new Reference("lab.labId", List.of("lab", "labId"), 26));
    assertThat(Expressions.references("no refs, $$ {literal}, $5")).isEmpty();
    assertThat(Expressions.references("${steps.new-policy.policyArn}").get(0).path())
        .containsExactly("steps", "new-policy", "policyArn");
  }

  @Test
  void fillsEachLiteralPartAndReferenceInOrderAndStopsAtANullValue() {
    String template = "a$$-${lab.labId}-b-${params.name}-c";
    assertThat(Expressions.fill(template, t -> "[" + t + "]", r -> "<" + r.text() + ">"))
        .isEqualTo("[a$-]<lab.labId>[-b-]<params.name>[-c]");
    assertThat(Expressions.fill(template, t -> t, r -> r.root().equals("lab") ? 42 : null))
        .isEqualTo("a$-42-b-");
    assertThat(Expressions.fill("no refs", String::toUpperCase, r -> "x")).isEqualTo("NO REFS");
    assertThatThrownBy(() -> Expressions.fill("x-${lab", t -> t, r -> "y"))
        .isInstanceOf(ExpressionException.class).hasMessageContaining("unclosed");
  }

  @Test
  void namesTheParameterOfAWholeValueReference() {
    assertThat(Expressions.parameterOf("${params.verify-method}")).isEqualTo("verify-method");
    assertThat(Expressions.parameterOf(" ${ params.name } ")).isEqualTo("name");
    assertThat(Expressions.parameterOf("x-${params.name}")).isNull();
    assertThat(Expressions.parameterOf("${lab.labId}")).isNull();
    assertThat(Expressions.parameterOf("${params.a.b}")).isNull();
    assertThat(Expressions.parameterOf("${params.name")).isNull();
    assertThat(Expressions.parameterOf(42)).isNull();
  }

  @Test
  void rejectsMalformedTemplates() {
    assertThatThrownBy(() -> Expressions.references("x ${lab.labId"))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("unclosed '${' at offset 2");
    assertThatThrownBy(() -> Expressions.references("${}"))
        .hasMessage("empty expression '${}'");
    assertThatThrownBy(() -> Expressions.references("${lab..labId}"))
        .hasMessage("malformed expression '${lab..labId}'");
    assertThatThrownBy(() -> Expressions.references("${lab.1x}"))
        .hasMessage("malformed expression '${lab.1x}'");
  }

  @Test
  void singleReferenceKeepsItsType() {
    assertThat(Expressions.isSingleReference("${params.count}")).isTrue();
    assertThat(Expressions.isSingleReference("${params.count} ")).isFalse();
    assertThat(Expressions.isSingleReference("x${params.count}")).isFalse();
    assertThat(Expressions.isSingleReference("${a.b}${c.d}")).isFalse();
    assertThat(Expressions.isSingleReference("plain")).isFalse();

    assertThat(Expressions.evaluate("${params.count}", scope)).isEqualTo(3);
    assertThat(Expressions.evaluate("${variant.actions}", scope)).isEqualTo(List.of("s3:GetObject"));
    assertThat(Expressions.evaluate("${variant.policy.effect}", scope)).isEqualTo("Allow");
  }

  @Test
  void mixedTextBecomesAStringAndDollarsEscape() {
    assertThat(Expressions.evaluate("${lab.labId}-role-${params.count}", scope))
        .isEqualTo("lab-042-role-3");
    assertThat(Expressions.evaluate("cost $$5 for ${params.name}", scope))
        .isEqualTo("cost $5 for ada");
  }

  @Test
  void evaluatesNestedListsAndMaps() {
    Object out =
        Expressions.evaluate(
            Map.of("tags", List.of("${lab.labId}", 7), "arn", Map.of("v", "${steps.role.roleArn}")),
            scope);
    assertThat(out)
        .isEqualTo(
            Map.of("tags", List.of("lab-042", 7), "arn", Map.of("v", "arn:aws:iam::1:role/r")));
  }

  @Test
  void missingValuesAreErrors() {
    assertThatThrownBy(() -> Expressions.evaluate("${steps.policy.policyArn}", scope))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("'${steps.policy.policyArn}' has no value");
  }
}
