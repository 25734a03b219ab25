package io.labflow.workflows.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.labflow.workflows.lab.Decision;
import io.labflow.workflows.lab.LabRequest;
import io.labflow.workflows.model.OnFailure;
import io.labflow.workflows.testing.JsonText;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.RawValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class LabRequestParserTest {

  private static LabRequestParser.Result parse(String json, String workflowId) {
    return LabRequestParser.parse(JsonText.of(json), workflowId, true);
  }

  /** The run's failure message for this result, as the lab workflow throws it. */
  private static String message(LabRequestParser.Result r) {
    return RequestFields.invalid(r.problems()).getOriginalMessage();
  }

  @Test
  void aGoodRequestTakesTheWorkflowIdAsLabId() throws Exception {
    LabRequestParser.Result r =
        parse("{\"definition\":\"d\",\"variant\":\"v\",\"parameters\":{\"a\":1},\"onFailure\":\"pause\"}", "lab-1");
    assertThat(r.ok()).isTrue();
    assertThat(r.request())
        .isEqualTo(new LabRequest("d", "v", "lab-1", Map.of("a", 1), null, OnFailure.PAUSE));
    assertThat(parse("{\"definition\":\"d\",\"labId\":\"lab-1\"}", "lab-1").request().labId())
        .isEqualTo("lab-1");
  }

  @Test
  void typosGetDidYouMean() throws Exception {
    assertThat(message(parse("{\"definition\":\"d\",\"labID\":\"x\"}", "lab-1")))
        .isEqualTo("request: labID: unknown field 'labID'; did you mean 'labId'?");
    assertThat(message(parse("{\"definition\":\"d\",\"params\":{}}", "lab-1")))
        .contains("unknown field 'params'; did you mean 'parameters'?");
    assertThat(message(parse("{\"definition\":\"d\",\"zzzzzzzz\":1}", "lab-1")))
        .contains("unknown field 'zzzzzzzz'; expected one of: definition, variant, labId");
  }

  @Test
  void wrongShapesNameTheField() throws Exception {
    assertThat(message(parse("\"lab\"", "lab-1")))
        .startsWith("request: the lab request must be a JSON object such as")
        .endsWith("got a string");
    assertThat(message(parse("[1]", "lab-1"))).endsWith("got a list");
    assertThat(message(parse("42", "lab-1"))).endsWith("got an integer");
    assertThat(message(parse("null", "lab-1"))).contains("the lab request is empty");
    assertThat(message(parse("{\"definition\":\"d\",\"parameters\":[1]}", "lab-1")))
        .contains("request: parameters: parameters must be a JSON object").endsWith("got a list");
    assertThat(message(parse("{\"definition\":\"d\",\"parameters\":\"a=b\"}", "lab-1")))
        .endsWith("got a string");
    assertThat(message(parse("{\"definition\":{\"name\":\"d\"}}", "lab-1")))
        .isEqualTo("request: definition: definition must be a string (the definition's name), got an object");
    assertThat(message(parse("{\"definition\":\"d\",\"variant\":[\"a\"]}", "lab-1")))
        .isEqualTo("request: variant: variant must be a string, got a list");
  }

  /** The definition's sentence (BrokenDefinitionsTest's bad-onfailure.yaml), after the request's field. */
  @Test
  void aBadOnFailureGetsTheDefinitionsOneSentence() throws Exception {
    assertThat(message(parse("{\"definition\":\"d\",\"onFailure\":\"pasue\"}", "lab-1")))
        .isEqualTo("request: onFailure: onFailure must be 'rollback' or 'pause', got 'pasue'");
    assertThat(message(parse("{\"definition\":\"d\",\"onFailure\":[\"pause\"]}", "lab-1")))
        .isEqualTo("request: onFailure: onFailure must be 'rollback' or 'pause', got a list");
    assertThat(message(parse("{\"definition\":\"d\",\"onFailure\":\"PAUSE\"}", "lab-1")))
        .isEqualTo("request: onFailure: onFailure must be 'rollback' or 'pause', got 'PAUSE'; did you mean 'pause'?");
  }

  /** The request's JSON keeps the word a person types; a definition's keeps the constant's name. */
  @Test
  void onFailureIsReadOnceAndKeepsItsJson() throws Exception {
    LabRequest request = parse("{\"definition\":\"d\",\"onFailure\":\"rollback\"}", "lab-1").request();
    assertThat(request.onFailure()).isEqualTo(OnFailure.ROLLBACK);
    DataConverter converter = DefaultDataConverter.STANDARD_INSTANCE;
    Payload payload = converter.toPayload(request).orElseThrow();
    assertThat(payload.getData().toStringUtf8())
        .isEqualTo("{\"definition\":\"d\",\"labId\":\"lab-1\",\"parameters\":{},\"onFailure\":\"rollback\"}");
    assertThat(converter.fromPayload(payload, LabRequest.class, LabRequest.class)).isEqualTo(request);
    assertThat(converter.toPayload(OnFailure.PAUSE).orElseThrow().getData().toStringUtf8())
        .isEqualTo("\"PAUSE\"");
  }

  @Test
  void nullsAndBothDefinitionsAreRefusedButOlderRunsReadThemAsBefore() throws Exception {
    RawValue json =
        JsonText.of("{\"definition\":\"d\",\"variant\":null,\"definitionYaml\":\"name: d\"}");
    assertThat(LabRequestParser.parse(json, "lab-1", true).problems())
        .containsExactly(
            "request: variant: null is not a value; leave variant out to take the definition's default variant",
            "request: definitionYaml: give either definition (a definition's name) or definitionYaml"
                + " (a whole definition), not both");
    assertThat(LabRequestParser.parse(json, "lab-1", false).ok()).isTrue();
  }

  @Test
  void rawPayloadsAreReadWithinTheirLimitsBeforeAnyField() {
    assertThat(message(LabRequestParser.parse(JsonText.of("[".repeat(100_000)), "lab-1", true)))
        .isEqualTo("request: the lab request is nested more than 32 levels deep");
    assertThat(message(LabRequestParser.parse(RawJson.of(null), "lab-1", true)))
        .contains("the lab request is empty");
    assertThat(LabRequestParser.parse(JsonText.of("{\"definition\":\"d\"}"), "lab-1", true).request())
        .isEqualTo(new LabRequest("d", null, "lab-1", Map.of(), null, null));
  }

  @Test
  void aDifferentLabIdIsRejected() throws Exception {
    LabRequestParser.Result r = parse("{\"definition\":\"d\",\"labId\":\"dup-a\"}", "dup-impostor");
    assertThat(r.ok()).isFalse();
    assertThat(r.request().labId()).isEqualTo("dup-a"); // kept for runs started before the rule
    assertThat(message(r))
        .contains("labId 'dup-a' differs from the workflow id 'dup-impostor'");
    assertThat(message(parse("{\"definition\":\"d\"}", "Bad_Id")))
        .contains("the workflow id 'Bad_Id' is the lab id, which must be lowercase");
    // A reset's workflow id has a lab id's shape: a lab run started so before the prefix was kept
    // out replays as it ran; its first activity refuses a new one (DefinitionActivitiesImplTest).
    assertThat(parse("{\"definition\":\"d\"}", "reset-lab-1").ok()).isTrue();
  }

  @Test
  void sizesAreBoundedAndNeverQuotedInFull() throws Exception {
    String big = "x".repeat(InputLimits.MAX_PARAMETER_BYTES + 10);
    LabRequestParser.Result r =
        LabRequestParser.parse(
            RawJson.of(Map.of("definition", "d", "parameters", Map.of("p", big))), "lab-1", true);
    assertThat(message(r)).isEqualTo("request: parameters.p: the value is 4 KiB; a parameter may hold at most 4 KiB");
    String huge = "y".repeat(2 * 1024 * 1024);
    LabRequestParser.Result h =
        LabRequestParser.parse(
            RawJson.of(Map.of("definition", "d", "definitionYaml", huge)), "lab-1", true);
    assertThat(message(h)).contains("the lab request is 2.0 MiB; at most 256 KiB").hasSizeLessThan(400);
    String longKey = "k".repeat(5000);
    assertThat(message(LabRequestParser.parse(RawJson.of(Map.of(longKey, 1)), "lab-1", true)))
        .hasSizeLessThan(400);
  }

  @Test
  void decisionsAndVariants() {
    assertThat(Arguments.decision(RawJson.of("retry"))).isEqualTo(Decision.RETRY);
    assertThat(Arguments.decision(RawJson.of("SKIP"))).isEqualTo(Decision.SKIP);
    assertThatThrownBy(() -> Arguments.decision(RawJson.of("RETYR")))
        .hasMessage("unknown decision 'RETYR'; did you mean 'RETRY'? (allowed: RETRY, SKIP, ROLLBACK)");
    assertThatThrownBy(() -> Arguments.decision(RawJson.of(List.of("RETRY"))))
        .hasMessageEndingWith("got a list");
    assertThatThrownBy(() -> Arguments.decision(null)).hasMessageContaining("a decision is required");
    assertThat(Arguments.variant(RawJson.of("read-write"))).isEqualTo("read-write");
    assertThatThrownBy(() -> Arguments.variant(RawJson.of(Map.of()))).hasMessageEndingWith("got an object");
  }
}
