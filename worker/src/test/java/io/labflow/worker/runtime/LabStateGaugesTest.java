package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowClient;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The lab gauges when Temporal's visibility does not answer. */
@Tag("fast")
class LabStateGaugesTest {

  @Test
  void aVisibilityThatRefusesTheCountIsOneWarningNamingTheGauges() {
    // A server without visibility queries (or one that refuses this query) answers every refresh.
    WorkflowClient client = (WorkflowClient) Proxy.newProxyInstance(
        getClass().getClassLoader(), new Class<?>[] {WorkflowClient.class}, (p, m, args) -> {
          throw Status.UNIMPLEMENTED.withDescription("no visibility").asRuntimeException();
        });
    Logger logger = (Logger) LoggerFactory.getLogger(LabStateGauges.class);
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    lines.start();
    logger.addAppender(lines);
    try (LabStateGauges gauges = new LabStateGauges(client, new SimpleMeterRegistry())) {
      gauges.refresh();
      gauges.refresh();
    } finally {
      logger.detachAppender(lines);
    }
    assertThat(lines.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage())
            .contains("labflow_labs", "labflow_lab_paused", "UNIMPLEMENTED"));
  }
}
