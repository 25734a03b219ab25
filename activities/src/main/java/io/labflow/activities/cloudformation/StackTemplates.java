package io.labflow.activities.cloudformation;

import io.labflow.activities.common.AwsFailures;
import io.labflow.workflows.lab.LabIds;
import io.temporal.activity.Activity;
import io.temporal.activity.ActivityInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The template body of a new stack, read from the definitions directory, and its request token. */
final class StackTemplates {

  private final Path definitionsDir;

  StackTemplates(Path definitionsDir) {
    this.definitionsDir = definitionsDir.toAbsolutePath().normalize();
  }

  String read(String templateFile) {
    Path p = definitionsDir.resolve(templateFile).normalize();
    if (!p.startsWith(definitionsDir)) {
      throw AwsFailures.invalidInput(
          "CreateStack: templateFile '" + templateFile + "' leaves the definitions directory");
    }
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw AwsFailures.invalidInput(
          "CreateStack: cannot read template " + p + ": " + e.getMessage());
    }
  }

  /**
   * A request token that is the same for every attempt of one activity execution, so a retry after
   * a lost response cannot create a second stack, and different for a later run of the same lab.
   */
  static String token(String labId, String stackName) {
    String scope;
    try {
      ActivityInfo info = Activity.getExecutionContext().getInfo();
      scope = info.getRunId() + "/" + info.getActivityId();
    } catch (IllegalStateException e) {
      scope = "";
    }
    try {
      byte[] h =
          MessageDigest.getInstance("SHA-256")
              .digest((labId + "/" + stackName + "/" + scope).getBytes(StandardCharsets.UTF_8));
      return LabIds.NAME_PREFIX + HexFormat.of().formatHex(h, 0, 24);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
