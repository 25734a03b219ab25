package io.labflow.activities.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.GlobalDataConverter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The inventory's and the sweep's results keep the JSON they had when every kind was a field of
 * its own: running resets and recorded histories hold it.
 */
@Tag("fast")
class LabResourcesJsonTest {

  /** A DeleteLabResources result as the 18-field LabResources wrote it. */
  static final String BEFORE = "{\"deleted\":{\"labId\":\"lab-a\",\"stacks\":[\"labflow-lab-a\"],"
      + "\"instances\":[\"i-1\"],\"vpcs\":[],\"buckets\":[],\"roles\":[\"labflow-lab-a-role\"],"
      + "\"policies\":[],\"instanceProfiles\":[],\"internetGateways\":[],\"subnets\":[],"
      + "\"routeTables\":[],\"securityGroups\":[],\"networkInterfaces\":[],"
      + "\"associations\":[\"i-1\"],\"policyVersions\":[],\"objects\":[],\"unknown\":[],"
      + "\"unreadable\":[]},\"remaining\":{\"labId\":\"lab-a\",\"stacks\":[],\"instances\":[],"
      + "\"vpcs\":[\"vpc-1\"],\"buckets\":[],\"roles\":[],\"policies\":[],"
      + "\"instanceProfiles\":[],\"internetGateways\":[],\"subnets\":[],\"routeTables\":[],"
      + "\"securityGroups\":[],\"networkInterfaces\":[],\"associations\":[],"
      + "\"policyVersions\":[],\"objects\":[],\"unknown\":[],"
      + "\"unreadable\":[\"roles (AccessDenied)\"]},\"blocked\":[\"VPC vpc-1: DependencyViolation\"]}";

  private final DataConverter converter = GlobalDataConverter.get();

  @Test
  void aSweepResultOfTheOldShapeReadsByKindAndIsWrittenAsItWas() {
    Payload old = json(BEFORE);

    DeleteLabResourcesOutput out =
        converter.fromPayload(old, DeleteLabResourcesOutput.class, DeleteLabResourcesOutput.class);

    assertThat(out.deleted().get(ResourceKind.STACKS)).containsExactly("labflow-lab-a");
    assertThat(out.deleted().get(ResourceKind.ASSOCIATIONS)).containsExactly("i-1");
    assertThat(out.deleted().listing())
        .isEqualTo("stacks=[labflow-lab-a], instances=[i-1], roles=[labflow-lab-a-role],"
            + " associations=[i-1]");
    assertThat(out.remaining().get(ResourceKind.VPCS)).containsExactly("vpc-1");
    assertThat(out.remaining().unreadable()).containsExactly("roles (AccessDenied)");
    assertThat(out.remaining().counts()).isEqualTo("vpcs=1, unreadable=1");
    assertThat(out.complete()).isFalse();
    Optional<Payload> again = converter.toPayload(out);
    assertThat(again.orElseThrow().getData().toStringUtf8()).isEqualTo(BEFORE);
  }

  @Test
  void kindsMissingFromTheJsonAreEmpty() {
    Payload old = json("{\"labId\":\"lab-a\",\"roles\":[\"r\"]}");

    LabResources found = converter.fromPayload(old, LabResources.class, LabResources.class);

    assertThat(found.get(ResourceKind.ROLES)).isEqualTo(List.of("r"));
    assertThat(found.get(ResourceKind.STACKS)).isEmpty();
    assertThat(found.unreadable()).isEmpty();
  }

  /** A JSON payload as a history holds it. */
  private static Payload json(String text) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(text))
        .build();
  }
}
