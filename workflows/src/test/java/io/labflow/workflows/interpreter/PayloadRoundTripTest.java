package io.labflow.workflows.interpreter;

import static io.labflow.workflows.interpreter.Defs.create;
import static io.labflow.workflows.interpreter.Defs.definition;
import static io.labflow.workflows.interpreter.Defs.parallel;
import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.workflows.lab.ResolvedLab;
import io.labflow.workflows.model.Definition;
import io.labflow.workflows.model.ParallelGroup;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A resolved definition survives the trip through Temporal's default payload converter, parallel
 * groups included: the UI, the temporal CLI and every SDK read labflow payloads as plain JSON.
 */
@Tag("fast")
class PayloadRoundTripTest {

  @Test
  void resolvedLabWithAParallelGroupRoundTrips() {
    Definition d =
        definition("round-trip")
            .variant("read-only", Map.of("actions", "s3:GetObject"))
            .keepAlive(Duration.ofHours(2))
            .steps(create("a").timeout(Duration.ofSeconds(90)), parallel("g", create("p1"), create("p2")))
            .build();
    ResolvedLab lab = new ResolvedLab(d, "test", "read-only", Map.of("owner", "ana"));
    DataConverter converter = DefaultDataConverter.STANDARD_INSTANCE;

    Payload payload = converter.toPayload(lab).orElseThrow();
    ResolvedLab back = converter.fromPayload(payload, ResolvedLab.class, ResolvedLab.class);

    assertThat(back).isEqualTo(lab);
    assertThat(back.definition().steps().get(1)).isInstanceOf(ParallelGroup.class);
    assertThat(((ParallelGroup) back.definition().steps().get(1)).parallel()).hasSize(2);
    assertThat(payload.getData().toStringUtf8()).doesNotContain("\"parallel\":false");
  }
}
