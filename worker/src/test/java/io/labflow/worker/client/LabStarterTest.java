package io.labflow.worker.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.testing.Tools;
import io.labflow.workflows.lab.LabSearchAttributes;
import io.temporal.api.enums.v1.WorkflowIdConflictPolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.Priority;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
class LabStarterTest {

  @Test
  void aPersonsStartIsTheLabsWorkflowWithItsSearchAttributesAndSummary() {
    WorkflowOptions o = new LabStarter("lab-042", "iam-service-role-lab", "read-only", "labflow",
        "with labflow run", null, null).options();
    assertThat(o.getWorkflowId()).isEqualTo("lab-042");
    assertThat(o.getTaskQueue()).isEqualTo("labflow");
    assertThat(o.getWorkflowIdReusePolicy())
        .isEqualTo(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
    assertThat(o.getWorkflowIdConflictPolicy())
        .isEqualTo(WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_FAIL);
    assertThat(o.getTypedSearchAttributes().get(LabSearchAttributes.LAB_ID)).isEqualTo("lab-042");
    assertThat(o.getTypedSearchAttributes().get(LabSearchAttributes.DEFINITION))
        .isEqualTo("iam-service-role-lab");
    assertThat(o.getTypedSearchAttributes().get(LabSearchAttributes.VARIANT)).isEqualTo("read-only");
    assertThat(o.getTypedSearchAttributes().size()).isEqualTo(3);
    // Static: it names the variant the lab started with, which a switch changes later.
    assertThat(o.getStaticSummary())
        .isEqualTo("lab lab-042: iam-service-role-lab, started read-only with labflow run");
    assertThat(o.getStaticDetails())
        .isEqualTo("Lab **lab-042** of definition **iam-service-role-lab**, started with variant"
            + " **read-only** with labflow run.\n\nIts state now: **Current Details** (press R to"
            + " refresh them) and the search attribute **LabState** (a column of the workflow list).");
    assertThat(o.getRequestId()).isNull();
    assertThat(o.getMemo()).isNull();
    assertThat(o.getPriority()).isNull();
  }

  @Test
  void aResetsStartIsIdempotentAndKeepsThePriority() {
    Priority low = Priority.newBuilder().setPriorityKey(4).build();
    WorkflowOptions o =
        new LabStarter("lab-7", "iam-mini", null, "q", "by reset-lab-7/run-1", "reset-lab-7/run-1", low)
            .options();
    assertThat(o.getRequestId()).isEqualTo("reset-lab-7/run-1");
    assertThat(o.getMemo()).containsEntry(LabStarter.STARTED_BY_MEMO, "reset-lab-7/run-1");
    assertThat(o.getPriority()).isEqualTo(low);
    assertThat(o.getTypedSearchAttributes().containsKey(LabSearchAttributes.VARIANT)).isFalse();
    assertThat(o.getStaticSummary())
        .isEqualTo("lab lab-7: iam-mini, started with the default variant by reset-lab-7/run-1");
    assertThat(o.getStaticDetails())
        .startsWith("Lab **lab-7** of definition **iam-mini**, started with the definition's default"
            + " variant by reset-lab-7/run-1.");
  }

  @Test
  void scriptsStackRegistersExactlyTheLabsSearchAttributes() throws Exception {
    String stack = Files.readString(Tools.repoRoot().resolve("scripts/stack"));
    Matcher m = Pattern.compile("--search-attribute (\\S+)").matcher(stack);
    List<String> registered = new ArrayList<>();
    while (m.find()) {
      registered.add(m.group(1));
    }
    assertThat(registered)
        .containsExactlyElementsOf(
            LabSearchAttributes.ALL.stream().map(k -> k.getName() + "=Keyword").toList());
  }
}
