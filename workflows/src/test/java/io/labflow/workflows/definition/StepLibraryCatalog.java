package io.labflow.workflows.definition;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.labflow.workflows.catalog.ActionCatalog;
import io.labflow.workflows.catalog.ActionSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The REAL step library's catalog, as the worker builds it from the activity interfaces, read from
 * {@code src/test/resources/catalog/step-library.json}. This module cannot see the step library
 * (it knows nothing of AWS), so that file is generated from it and kept in step by the worker
 * module's {@code LabDefinitionsTest} (which fails when the file is stale and rewrites it with
 * {@code -Dlabflow.catalog.update=true}).
 */
public final class StepLibraryCatalog {

  /** Where the generated file lives, on the test classpath. */
  static final String RESOURCE = "/catalog/step-library.json";

  private StepLibraryCatalog() {}

  public static ActionCatalog create() {
    try (InputStream in = StepLibraryCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the test classpath");
      }
      return ActionCatalog.of(new ObjectMapper().readValue(in, new TypeReference<List<ActionSpec>>() {}));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
