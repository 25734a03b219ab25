package io.labflow.workflows.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import java.io.IOException;

/**
 * Reads a {@link Step} from a payload: a {@link ParallelGroup} when it has branches, else an
 * {@link ActionStep}. Payloads from before steps were sealed wrote every field on both kinds (an
 * empty {@code parallel} on actions); the records ignore the fields that are not theirs.
 */
final class StepJson extends StdDeserializer<Step> {

  StepJson() {
    super(Step.class);
  }

  @Override
  public Step deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
    // Buffered as tokens, not as a tree, so durations keep their exact decimal digits.
    TokenBuffer json = ctx.bufferAsCopyOfValue(p);
    boolean group = !ctx.readTree(json.asParser()).path("parallel").isEmpty();
    Class<? extends Step> kind = group ? ParallelGroup.class : ActionStep.class;
    try (JsonParser again = json.asParserOnFirstToken()) {
      return ctx.readValue(again, kind);
    }
  }
}
