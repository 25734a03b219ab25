package io.labflow.activities.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The harness's port race (a port chosen free may be taken before moto binds it), made certain: the
 * first port the harness is given is held by the test, and moto still starts, on the next one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
@Tag("moto")
class MotoPortTest {

  @Test
  void aStartOnATakenPortStartsAgainOnANewOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
      List<Integer> tried = new ArrayList<>();
      IntSupplier ports = () -> {
        tried.add(tried.isEmpty() ? taken.getLocalPort() : Tools.freePort());
        return tried.get(tried.size() - 1);
      };
      try (MotoProcess moto = MotoProcess.start(
          "moto-taken-port", Path.of("target", "test-logs"), MotoProcess.Limits.NONE, ports)) {
        assertThat(tried).hasSize(2).first().isEqualTo(taken.getLocalPort());
        assertThat(moto.endpoint()).isEqualTo("http://127.0.0.1:" + tried.get(1));
        moto.reset();
        assertThat(moto.throttled()).isEmpty();
      }
    }
  }
}
