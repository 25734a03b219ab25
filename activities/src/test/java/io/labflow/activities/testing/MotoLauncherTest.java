package io.labflow.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The launcher's two scale patches ({@code scripts/lib/moto_server.py}) check themselves against the
 * pinned moto: an EC2 resource's tags read by its id answer exactly as moto's own scan of every tag
 * does, requests never run at once, and a stack whose creation fails (its bucket name taken) rolls
 * back as on AWS, leaving the bucket alone. The launcher also refuses to start if moto changed the
 * code a patch replaces.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
@Tag("moto")
class MotoLauncherTest {

  @Test
  void patchesAnswerAsAwsDoesAndSerializeRequests() throws IOException, InterruptedException {
    Process p = new ProcessBuilder(Tools.tool("python").toString(),
            Tools.repoRoot().resolve("scripts/lib/moto_server.py").toString(), "--self-check")
        .redirectErrorStream(true)
        .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("self-check finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(out).endsWith("tag reads identical; a stack whose bucket name is taken rolled back;"
        + " 8 concurrent requests ran one at a time");
    assertThat(out).contains("67 EC2 resources (40 tagged)");
    assertThat(p.exitValue()).isZero();
  }
}
