package io.labflow.workflows.fleet;

import io.labflow.workflows.yaml.Diagnostic;
import java.util.List;
import java.util.Map;

/**
 * The outcome of loading a fleet file.
 *
 * @param fleetOrNull the fleet, or null when there is any error
 * @param errors every problem found, in file order
 * @param places where the values that later checks (against the step file) talk about were
 *     written: path such as {@code variant} or {@code labs[2].parameters} to its place
 */
public record FleetLoadResult(Fleet fleetOrNull, List<Diagnostic> errors, Map<String, Place> places) {

  /** A line and column, 1-based. */
  public record Place(int line, int column) {}

  public boolean ok() {
    return fleetOrNull != null && errors.isEmpty();
  }

  /** A problem at the place of {@code path} (or of the nearest enclosing written path). */
  public Diagnostic at(String file, String path, String message) {
    String p = path;
    while (!p.isEmpty() && !places.containsKey(p)) {
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut < 0 ? "" : p.substring(0, cut);
    }
    Place place = places.getOrDefault(p, new Place(0, 0));
    return new Diagnostic(file, place.line(), place.column(), path, message);
  }
}
