package io.labflow.workflows.interpreter;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import io.temporal.failure.ApplicationFailure;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Doubles of the learner's check and adopt actions, registered under their names: a resource
 * exists when the learner made it ({@code made}) or a {@code Create} step of {@link FakeResources}
 * did; a name in {@code broken} makes its check fail, one in {@code adoptRefused} its adoption.
 */
@ActivityInterface
public interface LearnerActivities {

  /** Activity type {@code CheckExists}: passed when the resource {@code name} exists. */
  @ActivityMethod(name = "CheckExists")
  CheckOutput checkExists(NameInput input);

  /** Activity type {@code AdoptThing}: the lab takes the resource as its own. */
  @ActivityMethod(name = "AdoptThing")
  AdoptOutput adoptThing(NameInput input);

  record NameInput(String labId, String name) {}

  record CheckOutput(boolean passed, String detail) {}

  record AdoptOutput(String arn, boolean tagged) {}

  /** The doubles' one implementation, shared by the tests (reset before each). */
  final class Doubles implements LearnerActivities {
    final Set<String> made = ConcurrentHashMap.newKeySet();
    final Set<String> broken = ConcurrentHashMap.newKeySet();
    final Set<String> adoptRefused = ConcurrentHashMap.newKeySet();

    void reset() {
      made.clear();
      broken.clear();
      adoptRefused.clear();
    }

    @Override
    public CheckOutput checkExists(NameInput input) {
      if (broken.contains(input.name())) {
        throw ApplicationFailure.newNonRetryableFailure("cannot read " + input.name(), "AccessDenied");
      }
      boolean exists =
          made.contains(input.name()) || LabTestEnv.RESOURCES.log().contains("Create " + input.name());
      return new CheckOutput(exists, (exists ? "found " : "no ") + input.name());
    }

    @Override
    public AdoptOutput adoptThing(NameInput input) {
      if (adoptRefused.contains(input.name())) {
        throw ApplicationFailure.newNonRetryableFailure(
            input.name() + " was made before the lab started", "NotOwned");
      }
      return new AdoptOutput("arn:" + input.name(), true);
    }
  }
}
