package io.labflow.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * AWS's time for stacks in the local stack ({@code LABFLOW_AWS_TIME_SCALE},
 * scripts/lib/moto_time.py), at a tenth of AWS's durations (the rest of AWS's time, at a fifth:
 * {@link MotoTimeTest}): a stack stays CREATE_IN_PROGRESS without outputs for 15 s and then
 * completes, DeleteStack leaves it DELETE_IN_PROGRESS (its VPC still there) for 9 s before it is
 * gone. Nothing here must be seen within a bound, so the scale only shortens the waits.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class MotoStackTimeTest {

  @RegisterExtension
  static final MotoWithLimits moto = new MotoWithLimits("moto-stack-time",
      MotoProcess.Limits.NONE.withTimeScale("0.1").withStalls("0"));

  @Test
  void aStackIsInProgressForTheScaledTimeOfCreatingAndDeletingIt() throws Exception {
    String template = """
        Resources:
          Vpc:
            Type: AWS::EC2::VPC
            Properties: {CidrBlock: 10.42.0.0/16}
        Outputs:
          VpcId: {Value: !Ref Vpc}
        """;
    try (CloudFormationClient cfn = moto.noRetry(CloudFormationClient.builder());
        Ec2Client ec2 = moto.noRetry(Ec2Client.builder())) {
      String id = cfn.createStack(b -> b.stackName("slow").templateBody(template)).stackId();
      Supplier<Stack> stack = () -> cfn.describeStacks(b -> b.stackName("slow")).stacks().get(0);

      Stack creating = stack.get();
      assertThat(creating.stackStatusAsString()).isEqualTo("CREATE_IN_PROGRESS");
      assertThat(creating.outputs()).isEmpty();
      assertThat(cfn.describeStackEvents(b -> b.stackName(id)).stackEvents())
          .allSatisfy(e -> assertThat(e.resourceStatusAsString()).endsWith("_IN_PROGRESS"));
      int polls = 0;
      Stack created = stack.get();
      while (created.stackStatusAsString().equals("CREATE_IN_PROGRESS")) {
        polls++;
        Thread.sleep(200);
        created = stack.get();
      }
      assertThat(created.stackStatusAsString()).isEqualTo("CREATE_COMPLETE");
      assertThat(created.outputs()).singleElement().satisfies(o -> assertThat(o.outputKey()).isEqualTo("VpcId"));
      assertThat(polls).as("polls while in progress (15 s at 200 ms)").isGreaterThan(5);

      cfn.deleteStack(b -> b.stackName("slow"));
      assertThat(stack.get().stackStatusAsString()).isEqualTo("DELETE_IN_PROGRESS");
      String vpcId = created.outputs().get(0).outputValue();
      assertThat(ec2.describeVpcs(b -> b.vpcIds(vpcId)).vpcs()).hasSize(1);
      cfn.deleteStack(b -> b.stackName("slow")); // a second delete changes nothing, as on AWS
      Stack deleted = MotoWithLimits.after(() -> cfn.describeStacks(b -> b.stackName(id)).stacks().get(0),
          s -> s.stackStatusAsString().equals("DELETE_IN_PROGRESS"));
      assertThat(deleted.stackStatusAsString()).isEqualTo("DELETE_COMPLETE");
      assertThat(ec2.describeVpcs().vpcs()).singleElement().satisfies(v -> assertThat(v.isDefault()).isTrue());
    }
  }
}
