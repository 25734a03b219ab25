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

  /** A tool from LABFLOW_TOOLS_BIN, else {@code <repo>/.labflow/venv/bin}, else PATH. */
  public static Path tool(String name) {
    String env = System.getenv("LABFLOW_TOOLS_BIN");
    if (env != null && Files.isExecutable(Path.of(env, name))) {
      return Path.of(env, name);
    }
    Path venv = repoRoot().resolve(".labflow/venv/bin").resolve(name);
    if (Files.isExecutable(venv)) {
      return venv;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return Path.of(dir, name);
      }
    }
    throw new IllegalStateException(
        name + " not found: run ./scripts/tools (installs it into .labflow/venv)");
  }
}
