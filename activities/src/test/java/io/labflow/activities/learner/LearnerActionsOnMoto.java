package io.labflow.activities.learner;

import io.labflow.activities.MotoLabTest;
import io.labflow.activities.testing.Lab;
import io.labflow.activities.testing.MotoServer;
import org.junit.jupiter.api.BeforeEach;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * A test of the learner actions on moto with IAM enforced: the lab's clients act as the
 * administrator, as a learner working by hand would.
 */
abstract class LearnerActionsOnMoto extends MotoLabTest {

  IamClient iam;

  @Override
  protected Lab newLab() throws Exception {
    MotoServer.enforceIamWithAdmin();
    return new Lab();
  }

  @BeforeEach
  void adminIam() {
    iam = lab.clients.iam();
  }
}
