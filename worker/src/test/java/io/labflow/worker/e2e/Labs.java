package io.labflow.worker.e2e;

import io.labflow.activities.testing.Tools;
import java.nio.file.Path;

/** The test definitions shipped in {@code worker/src/test/resources/labs}. */
public final class Labs {

  private Labs() {}

  public static Path definitionsDir() {
    return Tools.repoRoot().resolve("worker/src/test/resources/labs");
  }

  public static Path file(String name) {
    return definitionsDir().resolve(name + ".yaml");
  }
}
