package io.labflow.worker.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The doctor's table and exit code: a FAIL fails, an UNKNOWN does not. */
@Tag("fast")
class DoctorTableTest {

  @Test
  void oneAlignedLineARowAndExitOneOnlyWhenARowFails() {
    List<Row> rows = List.of(
        Row.ok("AWS identity", "arn:aws:iam::123456789012:user/w"),
        Row.unknown("permissions lab", "the simulator is not available"));
    StringWriter text = new StringWriter();
    Doctor.print(rows, new PrintWriter(text, true));
    assertThat(text.toString()).isEqualTo(String.join(System.lineSeparator(),
        "RESULT   CHECK            DETAIL",
        "OK       AWS identity     arn:aws:iam::123456789012:user/w",
        "UNKNOWN  permissions lab  the simulator is not available", ""));
    assertThat(Doctor.exitCode(rows)).isZero();

    Row failed = Row.fail("task queue q", "no worker polls it", "start one");
    assertThat(failed.detail()).isEqualTo("no worker polls it; fix: start one");
    assertThat(Doctor.exitCode(List.of(rows.get(0), failed))).isEqualTo(1);
  }
}
