package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.failure.ApplicationFailure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** The worker's own logback.xml, text and {@code LABFLOW_LOG_FORMAT=json}: the same fields. */
@Tag("fast")
class LogFormatTest {

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void textNamesTheLabAndARefusalIsOneLine() throws Exception {
    String out = logOneRefusal("text");
    assertThat(out.lines()).singleElement().satisfies(l -> assertThat(l).contains(
        " WARN  [lab=lab-9 wf=reset-lab-9 act=-] ",
        " - Activity failure. attempt=1: NotOwned: role lab-9-role is not this lab's"));
  }

  @Test
  void jsonOnRequestCarriesTheSameFields() throws Exception {
    String out = logOneRefusal("json");
    assertThat(out.lines()).hasSize(1);
    JsonNode line = new ObjectMapper().readTree(out);
    assertThat(line.path("level").asText()).isEqualTo("WARN");
    assertThat(line.path("mdc").path("LabId").asText()).isEqualTo("lab-9");
    assertThat(line.path("mdc").path("WorkflowId").asText()).isEqualTo("reset-lab-9");
    assertThat(line.path("formattedMessage").asText())
        .isEqualTo("Activity failure. attempt=1: NotOwned: role lab-9-role is not this lab's");
    assertThat(line.path("throwable").isNull()).isTrue();
  }

  /** Configures a logger context from the worker's logback.xml and logs what the SDK logs. */
  private static String logOneRefusal(String format) throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream saved = System.err;
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(((LoggerContext) LoggerFactory.getILoggerFactory()).getMDCAdapter());
    ctx.putProperty("LABFLOW_LOG_FORMAT", format);
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(ctx);
      configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
      MDC.put("WorkflowId", "reset-lab-9");
      ctx.getLogger("io.temporal.internal.activity.ActivityTaskExecutors").warn("{} failure. attempt={}",
          "Activity", 1, ApplicationFailure.newNonRetryableFailure("role lab-9-role is not this lab's", "NotOwned"));
    } finally {
      ctx.stop();
      System.setErr(saved);
    }
    return err.toString(StandardCharsets.UTF_8);
  }
}
