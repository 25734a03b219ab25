package io.labflow.activities.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.model.DeleteLabResourcesOutput;
import io.labflow.activities.model.LabInput;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.Timeout;
import java.util.concurrent.TimeUnit;

/**
 * Many labs reset at once, as a fleet does, on one moto: each lab's sweep runs while the other
 * labs' sweeps and its own stack's deletion are still going. Every lab's VPC (and everything else)
 * is gone, counted over all labs.
 */
@ExtendWith(MotoServer.class)
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class ConcurrentSweepTest {

  static final int LABS = 10;

  /**
   * Under load an SDK attempt of DeleteStack times out and is retried while moto still deletes the
   * stack's resources in the first request; the retry and the waiter then see no stack, and the
   * sweep runs while CloudFormation is still deleting. Here the sweep starts while each stack's
   * DeleteStack is still in flight.
   */
  @Test
  void aSweepRacingItsStacksDeletionLeavesNoVpcBehind() throws Exception {
    List<Lab> labs = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(2 * LABS);
    try {
      for (int i = 0; i < LABS; i++) {
        labs.add(new Lab());
      }
      List<Future<?>> created = new ArrayList<>();
      for (int i = 0; i < LABS; i++) {
        Lab lab = labs.get(i);
        String id = "lab-r" + i;
        created.add(pool.submit(() -> lab.cfn.createStack(
            MotoLabTest.labStack(id, "labflow-" + id, "labflow-" + id))));
      }
      for (Future<?> f : created) {
        f.get();
      }
      List<Future<DeleteLabResourcesOutput>> swept = new ArrayList<>();
      for (int i = 0; i < LABS; i++) {
        Lab lab = labs.get(i);
        String id = "lab-r" + i;
        CountDownLatch sent = new CountDownLatch(1);
        pool.submit(() -> {
          sent.countDown();
          return lab.clients.cloudFormation().deleteStack(b -> b.stackName("labflow-" + id));
        });
        swept.add(pool.submit(() -> {
          sent.await();
          Thread.sleep(5L * (id.hashCode() & 7));
          return lab.inventory.deleteLabResources(new LabInput(id));
        }));
      }
      List<String> failed = new ArrayList<>();
      for (int i = 0; i < LABS; i++) {
        DeleteLabResourcesOutput out = swept.get(i).get();
        if (!out.blocked().isEmpty() || !out.remaining().noneTagged()) {
          failed.add("lab-r" + i + ": blocked " + out.blocked() + ", remaining "
              + out.remaining().counts());
        }
      }
      Thread.sleep(2000);
      List<String> vpcs = labs.get(0).clients.ec2().describeVpcs().vpcs().stream()
          .filter(v -> !v.isDefault()).map(v -> v.vpcId() + v.tags()).toList();
      assertThat(failed).as("labs whose sweep left something (VPCs left %s)", vpcs).isEmpty();
      assertThat(vpcs).isEmpty();
    } finally {
      pool.shutdownNow();
      labs.forEach(Lab::close);
    }
  }
}
