package io.labflow.worker.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the repository and the pinned local tools (temporal, moto_server). */
public final class Tools {

  private Tools() {}

  /** The repository root: the nearest ancestor holding the {@code labflow} launcher. */
  public static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("labflow")) && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    throw new IllegalStateException("cannot find the repository root above " + dir);
  }

  /** A pinned tool: the same lookup as the moto harness (LABFLOW_TOOLS_BIN, .labflow/venv/bin, PATH). */
  public static Path tool(String name) {
    return io.labflow.activities.testing.MotoServer.tool(name);
  }
}
