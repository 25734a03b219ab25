package io.labflow.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("fast")
class DirectoryDefinitionSourceTest {

  @Test
  void directorySourceReadsOnlyPlainNamesInsideItsDirectory(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("my-lab.yaml"), "name: my-lab\n");
    Files.writeString(dir.getParent().resolve("outside.yaml"), "name: outside\n");
    DirectoryDefinitionSource source = new DirectoryDefinitionSource(dir);
    assertThat(source.find("my-lab")).hasValueSatisfying(f -> assertThat(f.text()).isEqualTo("name: my-lab\n"));
    assertThat(source.find("missing")).isEmpty();
    assertThat(source.find("../outside")).isEmpty();
    assertThat(source.find("My-Lab")).isEmpty();
    assertThat(source.find(null)).isEmpty();
  }
}
